package ofctl

// Flow-table commands: dump-flows, dump-aggregate, add-flow, add-flows,
// mod-flows, del-flows, replace-flows, diff-flows.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// parseFlowArg parses a FLOW argument; parse errors are usage errors and
// warnings go to stderr as ovs-ofctl logs them.
func (e *env) parseFlowArg(text string, command uint8) (*ofp.FlowSpec, error) {
	fs, err := ofp.ParseFlow(text, command)
	if err != nil {
		return nil, badUsage("%v", err)
	}
	for _, w := range fs.Warnings {
		fmt.Fprintf(e.stderr, "xvs ofctl: warning: %s\n", w)
	}
	return fs, nil
}

// selectFlows parses the optional FLOW of dump-flows and dump-aggregate.
func (e *env) selectFlows(args []string) (*ofp.FlowSpec, error) {
	text := ""
	if len(args) > 1 {
		text = args[1]
	}
	return e.parseFlowArg(text, ofp.FlowDelete)
}

// statsRequest is the flow or aggregate request for the session's version.
func statsRequest(c *client, fs *ofp.FlowSpec, aggregate bool) (ofp.Message, error) {
	if c.version == ofp.Version10 {
		r10, err := fs.FlowStatsRequest10()
		if err != nil {
			return nil, badUsage("%v", err)
		}
		t := ofp.ST10Flow
		if aggregate {
			t = ofp.ST10Aggregate
		}
		return &ofp.StatsRequest10{Type: t, Flow: r10}, nil
	}
	if aggregate {
		return mp(&ofp.AggregateRequest{FlowStatsRequest: *fs.FlowStatsRequest()}), nil
	}
	return mp(fs.FlowStatsRequest()), nil
}

// flowModMsg is the flow-mod of fs for the session's version.
func flowModMsg(c *client, fs *ofp.FlowSpec) (ofp.Message, error) {
	if c.version == ofp.Version10 {
		fm, err := fs.FlowMod10()
		if err != nil {
			return nil, badUsage("%v", err)
		}
		return fm, nil
	}
	return &fs.FlowMod, nil
}

// statsRE matches the statistics --no-stats leaves out, and the zero
// cookie and table ovs-ofctl omits then.
var statsRE = regexp.MustCompile(`(duration=[^,]*, |n_packets=[^,]*, |n_bytes=[^,]*, |^ cookie=0x0, |table=0, )`)

func cmdDumpFlows(e *env, args []string) error {
	fs, err := e.selectFlows(args)
	if err != nil {
		return err
	}
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	req, err := statsRequest(c, fs, false)
	if err != nil {
		return err
	}
	if e.json {
		r, err := c.request(req)
		if err != nil {
			return err
		}
		return e.print(r)
	}
	// Each part of the reply is printed as it arrives, as ovs-ofctl
	// prints each reply message (with its own header line, or without
	// headers and statistics for --no-stats); OpenFlow 1.3 flow-stats
	// parts straight from their bytes (ofp.FlowStatsText), anything else
	// decoded.
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	var werr error
	var text []byte // reused: one part's text at a time
	var fst ofp.FlowStatsText
	each := func(raw []byte) error {
		var ok bool
		if text, ok = fst.AppendMessage(text[:0], raw); !ok {
			h, m, err := ofp.Unmarshal(raw)
			if err != nil {
				return fmt.Errorf("decoding %s: %w", ofp.Name(h.Version, h.Type), err)
			}
			text = ofp.AppendFormat(text[:0], h, m)
		}
		if werr != nil {
			return nil // the error is returned once the reply is read
		}
		if !e.noStats {
			text = append(text, '\n')
			_, werr = out.Write(text)
			return nil
		}
		lines := strings.Split(string(text), "\n")
		for _, l := range lines[1:] {
			l = statsRE.ReplaceAllString(l, "")
			if !strings.HasPrefix(l, " ") {
				l = " " + l
			}
			if _, werr = fmt.Fprintln(out, l); werr != nil {
				return nil
			}
		}
		return nil
	}
	if _, err := c.requestEach(req, each); err != nil {
		out.Flush()
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	return werr
}

func cmdDumpAggregate(e *env, args []string) error {
	fs, err := e.selectFlows(args)
	if err != nil {
		return err
	}
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	req, err := statsRequest(c, fs, true)
	if err != nil {
		return err
	}
	r, err := c.request(req)
	if err != nil {
		return err
	}
	return e.print(r)
}

// flowMod sends one flow-mod and a barrier.
func (e *env) flowMod(target, text string, command uint8) error {
	fs, err := e.parseFlowArg(text, command)
	if err != nil {
		return err
	}
	c, err := e.connect(target)
	if err != nil {
		return err
	}
	defer c.Close()
	m, err := flowModMsg(c, fs)
	if err != nil {
		return err
	}
	return c.transact([]ofp.Message{m})
}

func cmdAddFlow(e *env, args []string) error { return e.flowMod(args[0], args[1], ofp.FlowAdd) }

func cmdModFlows(e *env, args []string) error {
	cmd := ofp.FlowModify
	if e.strict {
		cmd = ofp.FlowModifyStrict
	}
	return e.flowMod(args[0], args[1], cmd)
}

func cmdDelFlows(e *env, args []string) error {
	cmd := ofp.FlowDelete
	if e.strict {
		cmd = ofp.FlowDeleteStrict
	}
	text := ""
	if len(args) > 1 {
		text = args[1]
	}
	return e.flowMod(args[0], text, cmd)
}

// fileCommands are the optional first words of a line of add-flows.
var fileCommands = map[string]uint8{
	"add": ofp.FlowAdd, "modify": ofp.FlowModify, "mod": ofp.FlowModify, "modify_strict": ofp.FlowModifyStrict,
	"delete": ofp.FlowDelete, "del": ofp.FlowDelete, "delete_strict": ofp.FlowDeleteStrict,
}

// readFlowFile calls fn for each flow of a file (or stdin for "-"): blank
// lines and #-comments are skipped, a line may start with a command word.
func (e *env) readFlowFile(name string, fn func(line int, fs *ofp.FlowSpec) error) error {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		cmd := ofp.FlowAdd
		if w, rest, ok := strings.Cut(line, " "); ok {
			if c, isCmd := fileCommands[strings.ToLower(w)]; isCmd {
				cmd, line = c, rest
			}
		}
		fs, err := ofp.ParseFlow(line, cmd)
		if err != nil {
			return usageError{fmt.Errorf("%s:%d: %v", name, n, err)}
		}
		for _, w := range fs.Warnings {
			fmt.Fprintf(e.stderr, "xvs ofctl: warning: %s:%d: %s\n", name, n, w)
		}
		if err := fn(n, fs); err != nil {
			return err
		}
	}
	return sc.Err()
}

// cmdAddFlows streams flow-mods without waiting for each (the switch
// reports only failures) and closes with one barrier, which the switch
// answers after every earlier message (spec 1.3.5 §6.2).
func cmdAddFlows(e *env, args []string) error {
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	lines := map[uint32]int{}
	err = e.readFlowFile(args[1], func(line int, fs *ofp.FlowSpec) error {
		m, err := flowModMsg(c, fs)
		if err != nil {
			return usageError{fmt.Errorf("%s:%d: %v", args[1], line, err)}
		}
		x, err := c.send(m)
		lines[x] = line
		return err
	})
	if err != nil {
		return err
	}
	errs, err := c.barrier()
	if err != nil {
		return err
	}
	return switchErrors(c.version, errs, func(x uint32) string {
		if l, ok := lines[x]; ok {
			return fmt.Sprintf("%s:%d", args[1], l)
		}
		return ""
	})
}

// flowRecord is one flow reduced to what replace-flows and diff-flows
// compare: the key (table, priority, match) and the flow as diff-flows
// prints it, "[table=N ]MATCH[ cookie=C][ idle_timeout=I][ hard_timeout=H]
// actions=A" (ovs-ofctl's form; flags are not compared).
type flowRecord struct {
	key, value string
}

var modHeader = ofp.Header{Version: ofp.Version13, Type: 14}

// recordOf prints a flow with the flow-mod text of ofp.Format, so that
// flows from files and from switches compare by the same printer.
func recordOf(fm *ofp.FlowMod) flowRecord {
	k := *fm
	k.Instructions, k.Cookie, k.IdleTimeout, k.HardTimeout, k.Flags = nil, 0, 0, 0, 0
	key := strings.TrimSuffix(afterCommand(ofp.Format(modHeader, &k)), " actions=drop")
	full := afterCommand(ofp.Format(modHeader, fm))
	_, actions, _ := strings.Cut(full, " actions=")
	v := key
	if strings.HasPrefix(v, "table:") {
		v = "table=" + strings.TrimPrefix(v, "table:")
	}
	if fm.Cookie != 0 {
		v += fmt.Sprintf(" cookie=%#x", fm.Cookie)
	}
	if fm.IdleTimeout != 0 {
		v += fmt.Sprintf(" idle_timeout=%d", fm.IdleTimeout)
	}
	if fm.HardTimeout != 0 {
		v += fmt.Sprintf(" hard_timeout=%d", fm.HardTimeout)
	}
	return flowRecord{key: key, value: strings.TrimPrefix(v+" actions="+actions, " ")}
}

func afterCommand(s string) string {
	_, s, _ = strings.Cut(s, "): ADD ")
	return s
}

// switchFlows dumps every flow of a switch as flow-mods.
func switchFlows(c *client) ([]*ofp.FlowMod, error) {
	if err := needVersion13(c, "this command"); err != nil {
		return nil, err
	}
	r, err := c.request(mp(&ofp.FlowStatsRequest{TableID: ofp.TableAll, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny}))
	if err != nil {
		return nil, err
	}
	rep, ok := r.m.(*ofp.MultipartReply)
	if !ok {
		return nil, fmt.Errorf("unexpected reply %s", ofp.Format(r.h, r.m))
	}
	body, ok := rep.Body.(*ofp.FlowStatsReply)
	if !ok {
		return nil, fmt.Errorf("unexpected reply %s", ofp.Format(r.h, r.m))
	}
	var out []*ofp.FlowMod
	for _, f := range body.Entries {
		out = append(out, &ofp.FlowMod{Command: ofp.FlowAdd, TableID: f.TableID, Priority: f.Priority,
			Cookie: f.Cookie, IdleTimeout: f.IdleTimeout, HardTimeout: f.HardTimeout, Flags: f.Flags,
			BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
			Match: f.Match, Instructions: f.Instructions})
	}
	return out, nil
}

func (e *env) fileFlows(name string) ([]*ofp.FlowMod, error) {
	var out []*ofp.FlowMod
	err := e.readFlowFile(name, func(_ int, fs *ofp.FlowSpec) error {
		if fs.Command != ofp.FlowAdd {
			return badUsage("%s: only flows to add are allowed here", name)
		}
		out = append(out, &fs.FlowMod)
		return nil
	})
	return out, err
}

// cmdReplaceFlows deletes the flows the file lacks and adds those it has
// that the switch lacks or holds differently, then sends one barrier.
func cmdReplaceFlows(e *env, args []string) error {
	want, err := e.fileFlows(args[1])
	if err != nil {
		return err
	}
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	have, err := switchFlows(c)
	if err != nil {
		return err
	}
	wantRec := map[string]string{}
	for _, f := range want {
		r := recordOf(f)
		wantRec[r.key] = r.value
	}
	haveRec := map[string]string{}
	var msgs []ofp.Message
	for _, f := range have {
		r := recordOf(f)
		haveRec[r.key] = r.value
		if _, ok := wantRec[r.key]; !ok {
			d := *f
			d.Command, d.Instructions = ofp.FlowDeleteStrict, nil
			msgs = append(msgs, &d)
		}
	}
	for _, f := range want {
		r := recordOf(f)
		if v, ok := haveRec[r.key]; !ok || v != r.value {
			msgs = append(msgs, f)
		}
	}
	return c.transact(msgs)
}

// cmdDiffFlows prints "-FLOW" for flows only in SOURCE1 (or different
// there) and "+FLOW" for flows only in SOURCE2; the exit status is 2 when
// they differ.
func cmdDiffFlows(e *env, args []string) error {
	load := func(src string) (map[string]string, error) {
		var flows []*ofp.FlowMod
		var err error
		if st, serr := os.Stat(src); src == "-" || (serr == nil && st.Mode().IsRegular()) {
			flows, err = e.fileFlows(src)
		} else {
			var c *client
			if c, err = e.connect(src); err != nil {
				return nil, err
			}
			defer c.Close()
			flows, err = switchFlows(c)
		}
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, f := range flows {
			r := recordOf(f)
			m[r.key] = r.value
		}
		return m, nil
	}
	a, err := load(args[0])
	if err != nil {
		return err
	}
	b, err := load(args[1])
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	differ := false
	for _, k := range sorted {
		va, inA := a[k]
		vb, inB := b[k]
		if inA && inB && va == vb {
			continue
		}
		differ = true
		if inA {
			fmt.Fprintln(e.stdout, "-"+va)
		}
		if inB {
			fmt.Fprintln(e.stdout, "+"+vb)
		}
	}
	if differ {
		return errFlowsDiffer
	}
	return nil
}

// errFlowsDiffer makes the exit status 2 without a message, as
// ovs-ofctl's diff-flows.
var errFlowsDiffer = exitStatus(2)

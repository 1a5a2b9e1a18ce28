package ofproto

// ofproto/trace: a packet's trip through the pipeline, printed as
// ovs-appctl ofproto/trace prints it.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Trace is the result of ofproto/trace.
type Trace struct {
	Bridge    string
	Flow      datapath.FlowKey  // the packet as it arrived
	Final     datapath.FlowKey  // as the actions left it
	Lines     []string          // the pipeline walk, indented as OVS indents it
	Actions   []datapath.Action // the datapath actions
	Consulted string            // the match fields the lookups consulted (the megaflow mask)
	Megaflow  string            // the same as a masked match on the packet as it arrived
	Mask      datapath.Mask     // the same as a mask over the flow key
	Cached    bool              // an entry for the key is in the cache now
	CachedAs  []datapath.Action // its actions, when Cached
}

func itoa(v int64) string   { return strconv.FormatInt(v, 10) }
func hex(v uint64) string   { return "0x" + strconv.FormatUint(v, 16) }
func (x *xctx) ind() string { return strings.Repeat("    ", x.depth+1) }

// String prints the trace as ovs-appctl ofproto/trace does.
func (t *Trace) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Flow: %s\n\n", t.Flow)
	title := fmt.Sprintf("bridge(%q)", t.Bridge)
	fmt.Fprintf(&sb, "%s\n%s\n", title, strings.Repeat("-", len(title)))
	for _, l := range t.Lines {
		sb.WriteString(l + "\n")
	}
	sb.WriteString("\n")
	if t.Final == t.Flow {
		sb.WriteString("Final flow: unchanged\n")
	} else {
		fmt.Fprintf(&sb, "Final flow: %s\n", t.Final)
	}
	if t.Megaflow != "" {
		fmt.Fprintf(&sb, "Megaflow: %s\n", t.Megaflow)
	}
	fmt.Fprintf(&sb, "Megaflow fields: %s\n", t.Consulted)
	acts := datapath.FormatActions(t.Actions)
	fmt.Fprintf(&sb, "Datapath actions: %s\n", acts)
	if t.Cached {
		same := "same actions"
		if !datapath.ActionsEqual(t.Actions, t.CachedAs) {
			same = "actions " + datapath.FormatActions(t.CachedAs)
		}
		fmt.Fprintf(&sb, "Cache: entry installed (%s)\n", same)
	} else {
		sb.WriteString("Cache: no entry\n")
	}
	return sb.String()
}

// Trace runs a frame that arrived on OpenFlow port inPort through the
// pipeline without side effects (no learning, no counters, no packets).
func (s *Switch) Trace(inPort uint32, frame []byte) (*Trace, error) {
	s.mu.Lock()
	p := s.ports[inPort]
	s.unlock()
	if p == nil {
		return nil, fmt.Errorf("trace: in_port %d: %w", inPort, ErrNoSuchPort)
	}
	return s.TraceKey(packet.Extract(frame, p.dpPort))
}

// TraceKey runs a datapath flow key through the pipeline without side
// effects.
func (s *Switch) TraceKey(key datapath.FlowKey) (*Trace, error) {
	s.mu.Lock()
	defer s.unlock()
	if s.byDP[key.InPort] == nil {
		return nil, fmt.Errorf("trace: datapath port %d: %w", key.InPort, ErrNoSuchPort)
	}
	t := &Trace{Bridge: s.cfg.Name, Flow: key}
	in := s.byDP[key.InPort].ofport
	x := s.newXlate(key, in, false, t)
	if s.ports[in].config&ofp.PortConfigNoRecv != 0 {
		x.note("in_port %d has no_recv: drop", in)
	} else {
		x.pipeline(0)
	}
	res := x.result()
	t.Actions = res.actions
	t.Final = x.key
	t.Consulted, t.Mask = wcFields(&res.wc), wcMask(&res.wc)
	pk := pipeKey(&key, in, 0)
	mf := wcMatch(&pk, &res.wc)
	tlvs, _ := mf.AppendTLVs(nil) // built from a flow key: encodable
	t.Megaflow = formatRuleMatch(&rule{match: tlvs})
	t.Megaflow = strings.TrimSuffix(t.Megaflow, ", priority 0, cookie 0x0")
	if e := s.cache.entries[key]; e != nil {
		t.Cached, t.CachedAs = true, e.actions
	}
	return t, nil
}

// note adds a trace line at the current depth.
func (x *xctx) note(format string, args ...any) {
	if x.tr == nil {
		return
	}
	x.tr.Lines = append(x.tr.Lines, x.ind()+fmt.Sprintf(format, args...))
}

// traceLookup adds the " 0. match, priority p, cookie c" line of a lookup
// and the rule's actions below it.
func (x *xctx) traceLookup(t uint8, r *rule) {
	if x.tr == nil {
		return
	}
	pad := strings.Repeat("    ", x.depth)
	if r == nil {
		x.tr.Lines = append(x.tr.Lines, fmt.Sprintf("%s%2d. No match.", pad, t), pad+"    drop")
		return
	}
	x.tr.Lines = append(x.tr.Lines, fmt.Sprintf("%s%2d. %s", pad, t, formatRuleMatch(r)),
		pad+"    "+formatInstructions(r))
}

func (x *xctx) noteGroup(id uint32, buckets int) {
	x.note("group:%d: %d bucket(s) selected", id, buckets)
}

func (x *xctx) noteActionSet(list []ofp.Action) {
	if x.tr == nil {
		return
	}
	x.note("action set: %d action(s)", len(list))
}

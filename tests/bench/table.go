package bench

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// Results holds every switch's measurements by key.
type Results struct {
	Switches []string                    // column order
	Values   map[string]map[string]Value // switch -> key -> value
	Notes    []string                    // printed under the table: a switch that failed, a remark
	Details  []string                    // printed after them: figures behind the cells (tcp.go's rounds)
	// Paired holds, by key, xvs against the Linux bridge round by round
	// where a figure was measured in interleaved rounds (tcp.go): the TCP
	// target is judged on it.
	Paired map[string]Paired
}

// NewResults returns empty results for the switches, in that order.
func NewResults(switches []string) *Results {
	r := &Results{Switches: switches, Values: map[string]map[string]Value{}}
	for _, s := range switches {
		r.Values[s] = map[string]Value{}
	}
	return r
}

// get returns a measured value or NaN.
func (r *Results) get(sw, key string) float64 {
	v, ok := r.Values[sw][key]
	if !ok {
		return math.NaN()
	}
	return v.V
}

// rows: the table's rows in order, with their titles and whether a larger
// figure is better.
var rows = []struct {
	key, title string
	higher     bool
}{
	{KeyRate1, "packet rate, 64 B UDP, 1 flow (Mpps)", true},
	{KeyRate1k, "packet rate, 1,000 flows (Mpps)", true},
	{KeyRateMany, "packet rate, many flows (Mpps)", true},
	{KeySetup, "flow setup, new 5-tuple per packet (flows/s delivered)", true},
	{KeySetupLoss, "flow setup: packets lost (%)", false},
	{KeyTCP1, "TCP, iperf3 1 stream (Gbit/s)", true},
	{KeyTCP4, "TCP, iperf3 4 streams (Gbit/s)", true},
	{KeyPing50, "ping RTT median (µs)", false},
	{KeyPing99, "ping RTT p99 (µs)", false},
	{KeyRR, "TCP request/response, 1 B (trans/s)", true},
	{KeyFlowMods, "control plane: add-flows (s)", false},
	{KeyDump, "control plane: dump-flows of them (s)", false},
	{KeyRSS, "daemon resident memory with them (MiB)", false},
}

// format prints a figure with 3 significant digits at most, thousands
// separated for large ones.
func format(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case v == 0:
		return "0"
	case math.Abs(v) >= 1000:
		return groupThousands(fmt.Sprintf("%.0f", v))
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	case math.Abs(v) >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// WriteTable prints the Markdown table of absolute figures (one column
// per switch), the cells' footnotes, and the targets with their ratios.
func (r *Results) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "| scenario | %s |\n", strings.Join(r.Switches, " | "))
	fmt.Fprintf(w, "|---|%s\n", strings.Repeat("---|", len(r.Switches)))
	var notes []string
	for _, row := range rows {
		cells := make([]string, len(r.Switches))
		any := false
		for i, s := range r.Switches {
			v, ok := r.Values[s][row.key]
			switch {
			case !ok:
				cells[i] = "—"
			case math.IsNaN(v.V):
				notes = append(notes, fmt.Sprintf("%s, %s: %s", s, row.key, v.Why))
				cells[i] = fmt.Sprintf("n/a [%d]", len(notes))
				any = true
			default:
				cells[i] = format(v.V)
				if v.Why != "" {
					notes = append(notes, fmt.Sprintf("%s, %s: %s", s, row.key, v.Why))
					cells[i] += fmt.Sprintf(" [%d]", len(notes))
				}
				any = true
			}
		}
		if any {
			fmt.Fprintf(w, "| %s | %s |\n", row.title, strings.Join(cells, " | "))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for i, n := range notes {
			fmt.Fprintf(w, "[%d] %s\n", i+1, oneLine(n, 160))
		}
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.Notes {
			fmt.Fprintln(w, n)
		}
	}
	if len(r.Details) > 0 {
		fmt.Fprintln(w)
		for _, n := range r.Details {
			fmt.Fprintln(w, n)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Targets (ratios within this run):")
	for _, t := range r.Targets() {
		fmt.Fprintf(w, "- %s\n", t)
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// Targets checks the bench issue's targets on xvs's figures: one line
// each, saying met or MISSED with the ratio that decides it.
func (r *Results) Targets() []string {
	const x = "xvs"
	var out []string
	check := func(what string, ok bool, detail string) {
		verdict := "met"
		if !ok {
			verdict = "MISSED"
		}
		out = append(out, fmt.Sprintf("%s: %s (%s)", what, verdict, detail))
	}
	xv := func(key string) float64 { return r.get(x, key) }
	ratio := func(a, b float64) string {
		if math.IsNaN(a) || math.IsNaN(b) || b == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2fx", a/b)
	}
	// Packet rate, one flow cached, against bare XDP: the judge is
	// xvs-xdp, xvs with its veth ports in XDP (the ceiling's hook). xvs's
	// default TC hook keeps TCP's offloads: the xvs column is the judge
	// of the TCP target and of the other packet-rate ones.
	if _, ok := r.Values["xvs-xdp"]; ok {
		const what = "packet rate 1 flow >= 0.9x bare XDP (xvs-xdp column)"
		xd, ceil := r.get("xvs-xdp", KeyRate1), r.get("bare-xdp", KeyRate1)
		switch {
		case math.IsNaN(ceil):
			out = append(out, what+": not checked (bare-xdp not measured)")
		case math.IsNaN(xd):
			out = append(out, what+": not checked (xvs-xdp did not measure it)")
		default:
			check(what, xd >= 0.9*ceil, "xvs-xdp/bare-xdp "+ratio(xd, ceil))
		}
	} else if _, ok := r.Values["bare-xdp"]; ok {
		out = append(out, "packet rate 1 flow >= 0.9x bare XDP: not checked (the xvs-xdp column was not in this run)")
	}
	if _, ok := r.Values[x]; !ok || math.IsNaN(xv(KeyRate1)) {
		out = append(out, "xvs was not measured in this run: no other target can be checked")
		if _, ok := r.Values[x]; !ok {
			return out
		}
	}
	// Packet rate, one flow cached, xvs's default hook.
	if v := xv(KeyRate1); !math.IsNaN(v) {
		for _, peer := range []string{"linux-bridge", "ovs-netdev", "ovs-afxdp"} {
			p := r.get(peer, KeyRate1)
			if math.IsNaN(p) {
				if _, ok := r.Values[peer]; ok {
					out = append(out, fmt.Sprintf("packet rate 1 flow above %s: not checked (%s not measured)", peer, peer))
				}
				continue
			}
			check("packet rate 1 flow above "+peer, v > p, "xvs/"+peer+" "+ratio(v, p))
		}
	}
	const tcpWhat = "TCP 1 stream >= 1.0x Linux bridge"
	if v := xv(KeyTCP1); !math.IsNaN(v) {
		if p := r.get("linux-bridge", KeyTCP1); math.IsNaN(p) {
			out = append(out, tcpWhat+": not checked (linux-bridge not measured)")
		} else if pr, ok := r.Paired[KeyTCP1]; ok {
			// Judged round by round: each ratio compares two turns of
			// one round, which the medians' ratio does not.
			detail := fmt.Sprintf("xvs/linux-bridge %.3fx, the median of %d rounds' ratios, xvs ahead in %d", pr.Ratio, pr.N, pr.Ahead)
			if pr.SetAside > 0 {
				detail += fmt.Sprintf("; %d set aside as disturbed", pr.SetAside)
			}
			check(tcpWhat, pr.Ratio >= 1, detail+"; the medians' ratio "+ratio(v, p))
		} else {
			check(tcpWhat, v >= p, "xvs/linux-bridge "+ratio(v, p))
		}
	} else if c, ok := r.Values[x][KeyTCP1]; ok {
		// xvs was to carry TCP and did not (a probe or every turn failed).
		check(tcpWhat, false, "xvs: "+oneLine(c.Why, 120))
	}
	if v := xv(KeySetup); !math.IsNaN(v) {
		loss := xv(KeySetupLoss)
		check("flow setup >= 100,000 flows/s with nothing lost", v >= 100000 && loss <= 0,
			fmt.Sprintf("%s flows/s, %s%% lost", format(v), format(loss)))
	}
	// The control-plane targets are the ofproto issue's: 100,000
	// flow-mods in at most half Open vSwitch's time, and a dump-flows of
	// them no slower than Open vSwitch's.
	for _, k := range []struct {
		key, what string
		factor    float64
	}{{KeyFlowMods, "add-flows >= 2x faster than OVS", 2}, {KeyDump, "dump-flows no slower than OVS", 1}} {
		v, o := xv(k.key), r.get("ovs-netdev", k.key)
		if math.IsNaN(v) || math.IsNaN(o) {
			continue
		}
		check("control plane "+k.what, o >= k.factor*v, "OVS/xvs "+ratio(o, v))
	}
	if v, o := xv(KeyRSS), r.get("ovs-netdev", KeyRSS); !math.IsNaN(v) && !math.IsNaN(o) {
		check("memory <= OVS", v <= o, "xvs/OVS "+ratio(v, o))
	}
	return out
}

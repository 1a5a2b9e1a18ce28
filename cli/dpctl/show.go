package dpctl

import (
	"encoding/json"
	"fmt"

	"github.com/xvs-switch/xvs/datapath"
)

type jsonPort struct {
	Number    uint32 `json:"number"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Attach    string `json:"attach"`
	IfIndex   int    `json:"ifindex,omitempty"`
	RxPackets uint64 `json:"rx_packets"`
	RxBytes   uint64 `json:"rx_bytes"`
	RxDropped uint64 `json:"rx_dropped"`
	TxPackets uint64 `json:"tx_packets"`
	TxBytes   uint64 `json:"tx_bytes"`
	TxDropped uint64 `json:"tx_dropped"`
}

func toJSONPort(p datapath.Port) jsonPort {
	s := p.Stats
	return jsonPort{p.Number, p.Name, p.Type.String(), p.Attach.String(), p.IfIndex,
		s.RxPackets, s.RxBytes, s.RxDropped, s.TxPackets, s.TxBytes, s.TxDropped}
}

func (e *env) writeJSON(v any) error {
	enc := json.NewEncoder(e.w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// show prints what ovs-dpctl show prints, with the port counters inline:
//
//	xvs@br0:
//	  lookups: hit:5 missed:2 lost:0
//	  flows: 2 (max 65536)
//	  slow path: 0
//	  port 1: veth0 (system, tc)
//	    RX packets:7 bytes:420 dropped:0
//	    TX packets:5 bytes:300 dropped:0
func show(e *env, _ []string) error {
	st, err := e.dp.Stats()
	if err != nil {
		return err
	}
	ports, err := e.dp.Ports()
	if err != nil {
		return err
	}
	if e.json {
		out := struct {
			Name     string            `json:"name"`
			Lookups  map[string]uint64 `json:"lookups"`
			Flows    uint64            `json:"flows"`
			MaxFlows uint64            `json:"max_flows"`
			SlowPath uint64            `json:"slow_path"`
			Ports    []jsonPort        `json:"ports"`
		}{Name: e.dp.Name(), Lookups: map[string]uint64{"hit": st.Hit, "missed": st.Missed, "lost": st.Lost},
			Flows: st.Flows, MaxFlows: st.MaxFlows, SlowPath: st.SlowPath, Ports: []jsonPort{}}
		for _, p := range ports {
			out.Ports = append(out.Ports, toJSONPort(p))
		}
		return e.writeJSON(out)
	}
	fmt.Fprintf(e.w, "%s:\n", e.dp.Name())
	fmt.Fprintf(e.w, "  lookups: hit:%d missed:%d lost:%d\n", st.Hit, st.Missed, st.Lost)
	fmt.Fprintf(e.w, "  flows: %d (max %d)\n", st.Flows, st.MaxFlows)
	fmt.Fprintf(e.w, "  slow path: %d\n", st.SlowPath)
	for _, p := range ports {
		s := p.Stats
		fmt.Fprintf(e.w, "  port %d: %s (%s, %s)\n", p.Number, p.Name, p.Type, p.Attach)
		fmt.Fprintf(e.w, "    RX packets:%d bytes:%d dropped:%d\n", s.RxPackets, s.RxBytes, s.RxDropped)
		fmt.Fprintf(e.w, "    TX packets:%d bytes:%d dropped:%d\n", s.TxPackets, s.TxBytes, s.TxDropped)
	}
	return nil
}

// dumpPorts prints per-port counters as ovs-ofctl dump-ports does.
func dumpPorts(e *env, _ []string) error {
	ports, err := e.dp.Ports()
	if err != nil {
		return err
	}
	if e.json {
		out := []jsonPort{}
		for _, p := range ports {
			out = append(out, toJSONPort(p))
		}
		return e.writeJSON(out)
	}
	fmt.Fprintf(e.w, "%s: %d ports\n", e.dp.Name(), len(ports))
	for _, p := range ports {
		s := p.Stats
		fmt.Fprintf(e.w, "  port %2d: rx pkts=%d, bytes=%d, drop=%d\n", p.Number, s.RxPackets, s.RxBytes, s.RxDropped)
		fmt.Fprintf(e.w, "           tx pkts=%d, bytes=%d, drop=%d\n", s.TxPackets, s.TxBytes, s.TxDropped)
	}
	return nil
}

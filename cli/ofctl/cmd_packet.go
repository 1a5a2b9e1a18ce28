package ofctl

// packet-out and monitor.

import (
	"fmt"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// parsePacketOut reads either ovs-ofctl form: one argument
// "in_port=P,packet=HEX,actions=ACTIONS", or the older IN_PORT ACTIONS
// HEX... (one packet-out per HEX).
func parsePacketOut(args []string) ([]*ofp.PacketOut, error) {
	if len(args) == 1 {
		po := &ofp.PacketOut{BufferID: ofp.NoBuffer, InPort: ofp.PortController}
		text := args[0]
		head, acts, ok := strings.Cut(text, "actions=")
		if !ok {
			return nil, badUsage("%q: must specify actions=", text)
		}
		for _, tok := range strings.Split(head, ",") {
			tok = strings.TrimSpace(tok)
			if tok == "" {
				continue
			}
			k, v, _ := strings.Cut(tok, "=")
			switch k {
			case "in_port":
				p, err := ofp.ParsePort(v)
				if err != nil {
					return nil, badUsage("%q: %v", tok, err)
				}
				po.InPort = p
			case "packet":
				b, err := parseHex(v)
				if err != nil {
					return nil, badUsage("%q: %v", tok, err)
				}
				po.Data = b
			default:
				return nil, badUsage("%q: unknown packet-out keyword (want in_port, packet, actions)", tok)
			}
		}
		as, err := ofp.ParseActions(acts, ofp.Match{})
		if err != nil {
			return nil, badUsage("%v", err)
		}
		po.Actions = as
		return []*ofp.PacketOut{po}, nil
	}
	if len(args) < 3 {
		return nil, badUsage("want PACKET-OUT or IN_PORT ACTIONS HEX...")
	}
	in, err := ofp.ParsePort(args[0])
	if err != nil {
		return nil, badUsage("%v", err)
	}
	as, err := ofp.ParseActions(args[1], ofp.Match{})
	if err != nil {
		return nil, badUsage("%v", err)
	}
	var out []*ofp.PacketOut
	for _, h := range args[2:] {
		b, err := parseHex(h)
		if err != nil {
			return nil, badUsage("%q: %v", h, err)
		}
		out = append(out, &ofp.PacketOut{BufferID: ofp.NoBuffer, InPort: in, Actions: as, Data: b})
	}
	return out, nil
}

func cmdPacketOut(e *env, args []string) error {
	pos, err := parsePacketOut(args[1:])
	if err != nil {
		return err
	}
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	msgs := make([]ofp.Message, len(pos))
	for i, p := range pos {
		msgs[i] = p
		if c.version == ofp.Version10 {
			as, err := ofp.ToActions10(p.Actions)
			if err != nil {
				return badUsage("%v", err)
			}
			in, ok := p.InPort.To10()
			if !ok {
				return badUsage("in_port %s does not fit OpenFlow 1.0", p.InPort)
			}
			msgs[i] = &ofp.PacketOut10{BufferID: ofp.BufferNone10, InPort: in, Actions: as, Data: p.Data}
		}
	}
	return c.transact(msgs)
}

// cmdMonitor prints the switch's asynchronous messages (packet-in,
// flow-removed, port-status, ...) until --count of them were printed or
// --timeout passed. MISS-LEN sets miss_send_len first (OFPT_SET_CONFIG).
func cmdMonitor(e *env, args []string) error {
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	async := c.startAsync()
	if len(args) > 1 {
		n, err := parseUintArg(args[1], 16)
		if err != nil {
			return badUsage("miss-len %q: %v", args[1], err)
		}
		if err := c.transact([]ofp.Message{&ofp.SetConfig{SwitchConfig: ofp.SwitchConfig{MissSendLen: uint16(n)}}}); err != nil {
			return err
		}
	}
	var deadline <-chan time.Time
	if e.timeoutSet {
		t := time.NewTimer(e.timeout)
		defer t.Stop()
		deadline = t.C
	}
	for n := 0; e.count == 0 || n < e.count; n++ {
		select {
		case r, ok := <-async:
			if !ok {
				return fmt.Errorf("connection closed")
			}
			if err := e.print(r); err != nil {
				return err
			}
		case <-deadline:
			return nil
		}
	}
	return nil
}

func parseUintArg(s string, bits int) (uint64, error) {
	var v uint64
	_, err := fmt.Sscan(s, &v)
	if err != nil || v >= 1<<bits {
		return 0, fmt.Errorf("want a %d-bit number", bits)
	}
	return v, nil
}

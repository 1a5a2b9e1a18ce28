package normal

import (
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// FuzzForward feeds arbitrary frames into arbitrary ports: no panic, no
// output to the input port, every output carrying the decision's VLAN, and
// actions that execute.
func FuzzForward(f *testing.F) {
	f.Add([]byte{}, uint8(1), uint8(0))
	f.Add(frame(f, mac(1), bcast), uint8(1), uint8(0))
	f.Add(frame(f, mac(1), mac(2), datapath.VLANTag{TPID: 0x8100, TCI: 10}), uint8(4), uint8(3))
	f.Add(frame(f, mac(1), bcast, datapath.VLANTag{TPID: 0x88a8, TCI: 20}, datapath.VLANTag{TPID: 0x8100, TCI: 30}), uint8(5), uint8(7))
	f.Fuzz(func(t *testing.T, b []byte, inSel, flags uint8) {
		n := New(NewMACTable(0, 4, nil))
		ps := bridgePorts()
		ps[int(flags)%len(ps)].NoFlood = flags&0x10 != 0
		ps[int(flags>>1)%len(ps)].CanForward = flags&0x20 == 0
		ps[int(flags>>2)%len(ps)].VLAN.PriorityTags = flags&0x40 != 0
		in := ps[int(inSel)%len(ps)].Port
		if inSel == 0xff {
			in = 0xfffffffd // controller
		}
		k := packet.Extract(b, 7)
		for round := 0; round < 2; round++ { // the second round may hit learned entries
			d := n.Forward(in, &k, ps)
			for _, o := range d.Outputs {
				if o.Port == in {
					t.Fatalf("output to the input port: %v", d)
				}
				if p := findPort(ps, o.Port); p == nil || !p.VLAN.Carries(d.VLAN) {
					t.Fatalf("output to port %d, which does not carry VLAN %d", o.Port, d.VLAN)
				}
			}
			var tag *datapath.VLANTag
			if k.Fields.Has(datapath.FieldVLAN0) {
				tag = &k.VLAN[0]
			}
			acts := d.Actions(tag, dpPort)
			if err := datapath.ValidateActions(acts); err != nil {
				t.Fatalf("invalid actions %v: %v", acts, err)
			}
			outs := 0
			packet.Execute(b, acts, packet.Env{Output: func(uint32, []byte) { outs++ }})
			if outs != len(d.Outputs) {
				t.Fatalf("%d frames out, %d outputs", outs, len(d.Outputs))
			}
			_ = d.Explain(nil)
			k.EthSrc, k.EthDst = k.EthDst, k.EthSrc
		}
	})
}

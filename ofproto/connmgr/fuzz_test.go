package connmgr

import (
	"encoding/binary"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// fuzzMsgs turns fuzz input into messages of wire version v: each is a
// type byte, a flags byte (bit 0: another version in the header, bit 1:
// multipart "more" flag when the body has room for it) and a length byte,
// then that many body bytes. Lengths are kept right, so that the stream
// stays framed; xids count from 1.
func fuzzMsgs(v uint8, in []byte) [][]byte {
	var out [][]byte
	for len(in) >= 3 && len(out) < 64 {
		typ, flags, n := in[0], in[1], int(in[2])
		in = in[3:]
		n = min(n, len(in))
		body := in[:n]
		in = in[n:]
		ver := v
		if flags&1 != 0 {
			ver = v ^ 5 // 1 <-> 4
		}
		b := make([]byte, ofp.HeaderLen+len(body))
		b[0], b[1] = ver, typ
		binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
		binary.BigEndian.PutUint32(b[4:], uint32(len(out)+1))
		copy(b[8:], body)
		if flags&2 != 0 && len(b) >= 12 {
			b[11] |= 1
		}
		out = append(out, b)
	}
	return out
}

// FuzzSession sends random message sequences (well-framed, with random
// bodies) on a session: the switch never panics, answers every message
// the codec cannot decode (or of the wrong version) with an OFPT_ERROR for
// its xid, and still answers the final barrier.
func FuzzSession(f *testing.F) {
	seed := func(v uint8, msgs ...ofp.Message) {
		var in []byte
		for _, m := range msgs {
			b, err := ofp.Marshal(v, 1, m)
			if err != nil {
				f.Fatal(err)
			}
			body := b[ofp.HeaderLen:]
			if len(body) > 255 {
				continue
			}
			in = append(in, b[1], 0, byte(len(body)))
			in = append(in, body...)
		}
		f.Add(v == ofp.Version10, in)
	}
	seed(ofp.Version13, &ofp.EchoRequest{Data: []byte("x")}, &ofp.FeaturesRequest{}, &ofp.GetConfigRequest{},
		&ofp.SetConfig{SwitchConfig: ofp.SwitchConfig{MissSendLen: 128}}, &ofp.RoleRequest{Role: ofp.Role{Role: ofp.RoleMaster, GenerationID: 1}},
		&ofp.GetAsyncRequest{}, &ofp.SetAsync{}, &ofp.MultipartRequest{Body: &ofp.PortDescRequest{}},
		&ofp.MultipartRequest{Body: &ofp.FlowStatsRequest{TableID: 0xff, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny}},
		&ofp.FlowMod{Command: ofp.FlowAdd, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny, Priority: 5},
		&ofp.PacketOut{BufferID: ofp.NoBuffer, InPort: ofp.PortController, Data: frame(60)},
		&ofp.QueueGetConfigRequest{Port: 1}, &ofp.Experimenter{Experimenter: 1}, &ofp.BarrierRequest{})
	seed(ofp.Version10, &ofp.EchoRequest{}, &ofp.FeaturesRequest{}, &ofp.GetConfigRequest{},
		&ofp.StatsRequest10{Type: ofp.ST10Desc}, &ofp.StatsRequest10{Type: ofp.ST10PortDesc},
		&ofp.PortMod10{PortNo: 1, Config: ofp.PC10NoFlood, Mask: ofp.PC10NoFlood},
		&ofp.QueueGetConfigRequest10{Port: 1}, &ofp.QueueGetConfigRequest10{Port: 99}, &ofp.BarrierRequest{})
	f.Add(false, []byte{14, 0, 3, 1, 2, 3, 18, 2, 8, 0, 13, 0, 1, 0, 0, 0, 0, 99, 0, 0})
	f.Add(true, []byte{14, 0, 3, 1, 2, 3, 16, 0, 4, 0, 9, 0, 0, 4, 1, 0})

	h := newHarness(f)
	f.Fuzz(func(t *testing.T, v10 bool, in []byte) {
		v := ofp.Version13
		if v10 {
			v = ofp.Version10
		}
		p := h.mgmtFor(t, v)
		var ra ofp.Reassembler
		bad := map[uint32]bool{}
		for _, b := range fuzzMsgs(v, in) {
			xid := binary.BigEndian.Uint32(b[4:])
			var err error
			switch {
			case b[0] != v && b[1] != 0:
				err = ofp.NewError(ofp.ETBadRequest, ofp.BRCBadVersion, b)
			case v == ofp.Version13 && b[0] == v:
				_, _, _, err = ra.Add(b)
			default:
				_, _, err = ofp.Unmarshal(b)
			}
			if err != nil {
				bad[xid] = true
			}
			p.write(b)
		}
		const barrierXid = 0xfff00000
		p.write(mustMarshal(t, v, barrierXid, &ofp.BarrierRequest{}))
		for {
			hh, m := p.recv()
			if hh.Xid == barrierXid {
				if _, ok := m.(*ofp.BarrierReply); ok {
					break
				}
			}
			if _, ok := m.(*ofp.Error); ok {
				delete(bad, hh.Xid)
			}
		}
		if len(bad) > 0 {
			t.Fatalf("no OFPT_ERROR for bad messages with xids %v", bad)
		}
		if n := h.m.panics.Load(); n != 0 {
			t.Fatalf("%d handler panics", n)
		}
	})
}

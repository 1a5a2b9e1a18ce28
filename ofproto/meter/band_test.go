package meter

import (
	"context"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dummy"
)

// TestDSCPRemarkBand checks what a dscp_remark band does in the datapath:
// packets within the rate keep their DSCP, the others have their AF drop
// precedence raised by prec_level (AF11, DSCP 10, becomes AF12, DSCP 12),
// and they are forwarded, not dropped.
func TestDSCPRemarkBand(t *testing.T) {
	now := time.Unix(100, 0)
	dp := dummy.New(dummy.Config{Now: func() time.Time { return now }})
	port, err := dp.AddPort(datapath.PortConfig{Name: "xg-remark"})
	if err != nil {
		t.Fatal(err)
	}
	tb := NewTable(dp)
	mustMod(t, tb, madd(1, pktps|burst, remark(10, 2, 1)))
	dpid, _ := tb.DatapathID(1)
	acts := []datapath.Action{datapath.Meter{ID: dpid}, datapath.Output{Port: port.Number}}
	for range 4 {
		if err := dp.Execute(frame(100), 9, acts); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var dscps []byte
	for range 4 {
		f, err := dp.Receive(ctx, port.Number)
		if err != nil {
			t.Fatalf("received %d frames: %v", len(dscps), err)
		}
		dscps = append(dscps, f[15]>>2)
	}
	if want := []byte{10, 10, 12, 12}; string(dscps) != string(want) {
		t.Fatalf("DSCPs %v, want %v (a burst of 2 unchanged, then remarked)", dscps, want)
	}
	st, _ := tb.Stats(1, nil)
	if b := st.Entries[0].Bands[0]; b.PacketBandCount != 2 {
		t.Fatalf("band applied to %d packets, want 2", b.PacketBandCount)
	}
}

package ofctl

import (
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func TestFormatPortDesc10(t *testing.T) {
	h := ofp.Header{Version: ofp.Version10, Xid: 2}
	ports := []ofp.Port10{
		{PortNo: ofp.Port10Local, HWAddr: ofp.MAC{0, 0, 0, 0, 0, 9}, Name: "br0", Config: ofp.PC10PortDown},
		{PortNo: 1, HWAddr: ofp.MAC{0, 0, 0, 0, 0, 1}, Name: "p1", State: ofp.PS10LinkDown, Curr: ofp.PF1010GBFD | ofp.PF10Copper},
	}
	want := "OFPST_PORT_DESC reply (xid=0x2):\n" +
		" 1(p1): addr:00:00:00:00:00:01\n" +
		"     config:     0\n" +
		"     state:      LINK_DOWN\n" +
		"     current:    10GB-FD COPPER\n" +
		"     speed: 10000 Mbps now, 0 Mbps max\n" +
		" LOCAL(br0): addr:00:00:00:00:00:09\n" +
		"     config:     PORT_DOWN\n" +
		"     state:      0\n" +
		"     speed: 0 Mbps now, 0 Mbps max"
	if got := formatPortDesc10(h, ports); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := formatPortDesc10(h, nil); got != "OFPST_PORT_DESC reply (xid=0x2):" {
		t.Errorf("no ports: %q", got)
	}
}

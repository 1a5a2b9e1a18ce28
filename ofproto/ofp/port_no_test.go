package ofp

import "testing"

func TestPortNoMapping(t *testing.T) {
	for _, c := range []struct {
		p10  PortNo10
		p13  PortNo
		name string
	}{
		{1, 1, "1"}, {0xfeff, 0xfeff, "65279"}, {Port10InPort, PortInPort, "IN_PORT"},
		{Port10Normal, PortNormal, "NORMAL"}, {Port10Controller, PortController, "CONTROLLER"},
		{Port10Local, PortLocal, "LOCAL"}, {Port10None, PortAny, "ANY"},
	} {
		if got := c.p10.To13(); got != c.p13 {
			t.Errorf("%d.To13() = %#x, want %#x", c.p10, got, c.p13)
		}
		if got, ok := c.p13.To10(); !ok || got != c.p10 {
			t.Errorf("%#x.To10() = %#x %v, want %#x", c.p13, got, ok, c.p10)
		}
		if c.p13.String() != c.name {
			t.Errorf("%#x prints %q, want %q", c.p13, c.p13.String(), c.name)
		}
	}
	if _, ok := PortNo(0x10000).To10(); ok {
		t.Error("port 65536 fits OpenFlow 1.0")
	}
}

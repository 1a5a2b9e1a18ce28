package ofp

import (
	"encoding/json"
	"testing"
)

func TestPortModValidate(t *testing.T) {
	ok := PortMod{PortNo: 1, Config: PortConfigDown, Mask: PortConfigDown | PortConfigNoFwd, Advertise: PortFeature1GbFD}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	local := ok
	local.PortNo = PortLocal
	if err := local.Validate(); err != nil {
		t.Fatalf("LOCAL: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(m *PortMod)
		code uint16
	}{
		{"port 0", func(m *PortMod) { m.PortNo = 0 }, PMFCBadPort},
		{"reserved port", func(m *PortMod) { m.PortNo = PortFlood }, PMFCBadPort},
		{"undefined config bit", func(m *PortMod) { m.Config |= 1 << 1 }, PMFCBadConfig},
		{"undefined mask bit", func(m *PortMod) { m.Mask |= 1 << 9 }, PMFCBadConfig},
		{"undefined feature", func(m *PortMod) { m.Advertise |= 1 << 16 }, PMFCBadAdvertise},
	} {
		m := ok
		c.edit(&m)
		wantErr(t, m.Validate(), ETPortModFailed, c.code)
	}
}

func TestPortBitNames(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{PortConfig(0).String(), "0"},
		{(PortConfigDown | PortConfigNoPacketIn | 1<<9).String(), "PORT_DOWN NO_PACKET_IN 0x200"},
		{(PortStateLinkDown | PortStateLive).String(), "LINK_DOWN LIVE"},
		{(PortFeature10GbFD | PortFeatureFiber | PortFeaturePauseAsym).String(), "10GB-FD FIBER AUTO_PAUSE_ASYM"},
		{testMAC.String(), "0a:1b:2c:3d:4e:5f"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
	var m MAC
	if err := json.Unmarshal([]byte(`"0a:1b:2c:3d:4e:5f"`), &m); err != nil || m != testMAC {
		t.Fatalf("MAC from JSON: %v %v", m, err)
	}
	if err := json.Unmarshal([]byte(`"0a:1b:2c:3d:4e:5f:00:11"`), &m); err == nil {
		t.Fatal("64-bit address accepted as MAC")
	}
}

package vswitchd

import "testing"

func TestCheckBridgeName(t *testing.T) {
	for _, ok := range []string{"br0", "xvbr-int", "a.b", "123456789012345"} {
		if err := checkBridgeName(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", "a b", "a:b", "1234567890123456"} {
		if checkBridgeName(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDatapathIDOption(t *testing.T) {
	for in, want := range map[string]uint64{"00000000000000a5": 0xa5, "0x00000000000000A5": 0xa5, "a5": 0, "zz000000000000a5": 0} {
		got, ok := datapathIDOption(map[string]string{"datapath-id": in})
		if got != want || ok != (want != 0) {
			t.Errorf("datapath-id %q = %#x, %v", in, got, ok)
		}
	}
}

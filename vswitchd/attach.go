package vswitchd

import (
	"fmt"
	"strings"

	"github.com/xvs-switch/xvs/datapath"
)

// attachKey is the Interface other_config key choosing the hook a port's
// BPF program runs at. It is xvs's own key: Open vSwitch ignores
// other_config keys it does not know, so the same database serves both
// daemons, and no Interface:options key of a present or future OVS
// netdev type can clash with it.
const attachKey = "xvs-attach"

// attachOption parses other_config:xvs-attach: absent or "default" lets
// the datapath choose (XDP on NICs, TC on veth, tap and internal ports);
// "xdp" and "tc" force the hook. XDP on a veth trades checksum offload
// and GSO for packet rate (docs/datapath-ebpf.md).
func attachOption(v string) (datapath.AttachMode, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	if s == "" {
		return datapath.AttachDefault, nil
	}
	m, err := datapath.ParseAttachMode(s)
	if err != nil {
		return 0, fmt.Errorf("other_config:%s=%s: want xdp, tc or default", attachKey, v)
	}
	return m, nil
}

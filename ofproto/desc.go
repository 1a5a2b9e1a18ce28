package ofproto

// The switch description (OFPMP_DESC, spec 1.3.5 §7.3.5.1; OFPST_DESC,
// spec 1.0.0 §5.3.5.1), filled in as Open vSwitch fills its own:
// manufacturer, hardware and software, serial number "None" and a
// datapath description that tells bridges apart.

import (
	"runtime/debug"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Version is the xvs version that sw_desc reports. Builds may set it with
// -ldflags "-X github.com/xvs-switch/xvs/ofproto.Version=1.2.3"; when it is
// empty the main module's version from the build info is used.
var Version = ""

// Strings of the description reply.
const (
	DescManufacturer = "xvs project"
	DescHardware     = "xvs eBPF datapath"
	DescSerial       = "None"
)

// SoftwareVersion returns the version sw_desc reports: Version, else the
// main module's version from the build info, else "devel".
func SoftwareVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Desc returns the description reply of the switch serving bridge. The
// datapath description names the bridge ("xvs bridge br0"), so that a
// controller connected to several bridges can tell them apart; Open
// vSwitch sets dp_desc from the bridge's other_config in the same spirit.
// Strings are cut to their fields' sizes (256 bytes, serial 32, with the
// terminating NUL).
func Desc(bridge string) *ofp.Desc {
	return &ofp.Desc{
		MfrDesc:   DescManufacturer,
		HWDesc:    DescHardware,
		SWDesc:    cut(SoftwareVersion(), 255),
		SerialNum: DescSerial,
		DPDesc:    cut("xvs bridge "+bridge, 255),
	}
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

package vswitchd

import (
	"log/slog"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// protocolVersions maps the Bridge.protocols values Open vSwitch's schema
// allows onto wire versions; 0 marks a version xvs does not speak.
var protocolVersions = map[string]uint8{
	"OpenFlow10": ofp.Version10,
	"OpenFlow11": 0,
	"OpenFlow12": 0,
	"OpenFlow13": ofp.Version13,
	"OpenFlow14": 0,
	"OpenFlow15": 0,
}

// allowedVersions turns Bridge.protocols into the versions the bridge's
// sessions may negotiate. An empty column means every version xvs speaks
// (Open vSwitch enables all it speaks, 1.0 to 1.5, when it is empty).
// Versions xvs does not speak are logged and ignored, as Open vSwitch
// ignores unknown version names; when nothing is left, the bridge keeps
// every version it speaks rather than becoming unreachable, and says so.
func allowedVersions(log *slog.Logger, protocols []string) []uint8 {
	var out []uint8
	for _, p := range protocols {
		v, known := protocolVersions[p]
		switch {
		case !known:
			log.Warn("Bridge.protocols: unknown OpenFlow version, ignored", "protocol", p)
		case v == 0:
			log.Warn("Bridge.protocols: OpenFlow version not supported by xvs, ignored", "protocol", p)
		default:
			out = append(out, v)
		}
	}
	if len(protocols) > 0 && len(out) == 0 {
		log.Error("Bridge.protocols names no version xvs speaks: allowing OpenFlow10 and OpenFlow13", "protocols", protocols)
	}
	return out
}

package connmgr

import "github.com/xvs-switch/xvs/ofproto/ofp"

// OpenFlow 1.0's OFPPC_NO_FLOOD (bit 4), which a 1.0 session may set with
// a port-mod, has no meaning in 1.3 (spec 1.3.5 §7.2.1 defines no bit 4).
// The Switch keeps it in the port's config; 1.3 sessions get port
// descriptions and port-status messages without it, as Open vSwitch's
// ofputil_port_config_to_ofp11() leaves it out.

// ports13 returns a copy of ps without bit 4, or nil when no port has it.
func ports13(ps []ofp.Port) []ofp.Port {
	var out []ofp.Port
	for i := range ps {
		if ps[i].Config&ofp.PortConfigNoFlood10 == 0 {
			continue
		}
		if out == nil {
			out = append([]ofp.Port(nil), ps...)
		}
		out[i].Config &^= ofp.PortConfigNoFlood10
	}
	return out
}

// body13 is a multipart reply body as a 1.3 session gets it.
func body13(b ofp.MultipartBody) ofp.MultipartBody {
	if pd, ok := b.(*ofp.PortDescReply); ok {
		if ps := ports13(pd.Ports); ps != nil {
			c := *pd
			c.Ports = ps
			return &c
		}
	}
	return b
}

// portStatus13 is a port-status message as a 1.3 session gets it.
func portStatus13(ps *ofp.PortStatus) *ofp.PortStatus {
	if ps.Desc.Config&ofp.PortConfigNoFlood10 == 0 {
		return ps
	}
	c := *ps
	c.Desc.Config &^= ofp.PortConfigNoFlood10
	return &c
}

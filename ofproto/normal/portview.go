package normal

// OpenFlow port config and state bits that decide whether NORMAL may use a
// port (OpenFlow 1.3.5 section 7.2.1, enum ofp_port_config and
// ofp_port_state; OFPPC_NO_FLOOD is from OpenFlow 1.0, kept by OVS).
const (
	portDown    = 1 << 0 // OFPPC_PORT_DOWN
	portNoFlood = 1 << 4 // OFPPC_NO_FLOOD (1.0)
	portNoFwd   = 1 << 5 // OFPPC_NO_FWD
	linkDown    = 1 << 0 // OFPPS_LINK_DOWN
)

// View builds the PortView of an OpenFlow port from its VLAN configuration
// and its ofp_port config and state bits: a port administratively down,
// with OFPPC_NO_FWD, or whose link is down forwards nothing; OFPPC_NO_FLOOD
// keeps it out of floods.
func View(ofport uint32, vlan VLANConfig, config, state uint32) PortView {
	return PortView{
		Port:       ofport,
		VLAN:       vlan,
		CanForward: config&(portDown|portNoFwd) == 0 && state&linkDown == 0,
		NoFlood:    config&portNoFlood != 0,
	}
}

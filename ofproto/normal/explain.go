package normal

import "fmt"

// Explain returns the lines ofproto/trace prints under a NORMAL action for
// this decision, in Open vSwitch's words and with its prefixes: "-> " for a
// detail, ">> " for a warning, ">>>> ... <<<<" for an error. The caller
// indents them. portName names ports (nil: PortName); OVS prints the
// port's name.
func (d Decision) Explain(portName func(uint32) string) []string {
	if portName == nil {
		portName = PortName
	}
	var lines []string
	detail := func(s string) { lines = append(lines, "-> "+s) }
	warn := func(s string) { lines = append(lines, ">> "+s) }
	switch d.Why {
	case WhyNoEthernet, WhyNoBundle, WhyPartialTag, WhyUnknown, WhyNoFwd, WhyNotInVLAN:
		warn(d.Why)
		return lines
	case WhyBadVLAN:
		// The error OVS logs (input_vid_is_valid) comes first.
		if d.inMode == ModeAccess {
			lines = append(lines, fmt.Sprintf(">>>> dropping VLAN %d tagged packet received on port %s configured as VLAN %d access port <<<<",
				d.VLAN, portName(d.In), d.inTag))
		} else {
			lines = append(lines, fmt.Sprintf(">>>> dropping VLAN %d packet received on port %s not configured for trunking VLAN %d <<<<",
				d.VLAN, portName(d.In), d.VLAN))
		}
		warn(d.Why)
		return lines
	case WhyReserved:
		detail(d.Why)
		return lines
	}
	if d.Learned != nil {
		detail(fmt.Sprintf("learned that %s is on port %s in VLAN %d", FormatMAC(d.Learned.MAC), portName(d.Learned.New), d.Learned.VLAN))
	}
	if d.Flooded {
		// OVS says nothing more when no port gets the flood.
		detail(WhyFlood)
		return lines
	}
	detail(d.Why)
	return lines
}

package ofp

// Ports of OpenFlow 1.0: struct ofp_phy_port (spec 1.0.0 §5.2.1), which
// the features reply lists and OFPT_PORT_STATUS carries (§5.4.3), and
// OFPT_PORT_MOD (§5.3.3).

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// Port10Len is sizeof(struct ofp_phy_port).
const Port10Len = 48

// portNameLen10 is OFP_MAX_PORT_NAME_LEN.
const portNameLen10 = 16

// OFPPC_* port config bits of 1.0.
const (
	PC10PortDown   uint32 = 1 << 0
	PC10NoSTP      uint32 = 1 << 1
	PC10NoRecv     uint32 = 1 << 2
	PC10NoRecvSTP  uint32 = 1 << 3
	PC10NoFlood    uint32 = 1 << 4
	PC10NoFwd      uint32 = 1 << 5
	PC10NoPacketIn uint32 = 1 << 6
)

// OFPPS_* port state of 1.0: the link bit and a 2-bit STP state.
const (
	PS10LinkDown   uint32 = 1 << 0
	PS10STPListen  uint32 = 0 << 8
	PS10STPLearn   uint32 = 1 << 8
	PS10STPForward uint32 = 2 << 8
	PS10STPBlock   uint32 = 3 << 8
	PS10STPMask    uint32 = 3 << 8
)

// OFPPF_* port feature bits of 1.0.
const (
	PF1010MBHD    uint32 = 1 << 0
	PF1010MBFD    uint32 = 1 << 1
	PF10100MBHD   uint32 = 1 << 2
	PF10100MBFD   uint32 = 1 << 3
	PF101GBHD     uint32 = 1 << 4
	PF101GBFD     uint32 = 1 << 5
	PF1010GBFD    uint32 = 1 << 6
	PF10Copper    uint32 = 1 << 7
	PF10Fiber     uint32 = 1 << 8
	PF10Autoneg   uint32 = 1 << 9
	PF10Pause     uint32 = 1 << 10
	PF10PauseAsym uint32 = 1 << 11
)

// Port10 is struct ofp_phy_port.
type Port10 struct {
	PortNo     PortNo10 `json:"port_no"`
	HWAddr     MAC      `json:"hw_addr"`
	Name       string   `json:"name"`
	Config     uint32   `json:"config"`
	State      uint32   `json:"state"`
	Curr       uint32   `json:"curr"`
	Advertised uint32   `json:"advertised"`
	Supported  uint32   `json:"supported"`
	Peer       uint32   `json:"peer"`
}

func (p *Port10) append(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, uint16(p.PortNo))
	b = append(b, p.HWAddr[:]...)
	b, err := appendCString(b, p.Name, portNameLen10)
	if err != nil {
		return b, fmt.Errorf("port %d: %w", p.PortNo, err)
	}
	for _, v := range [...]uint32{p.Config, p.State, p.Curr, p.Advertised, p.Supported, p.Peer} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b, nil
}

// decode reads a port from the first Port10Len bytes of b.
func (p *Port10) decode(b []byte) {
	_ = b[Port10Len-1]
	p.PortNo = PortNo10(binary.BigEndian.Uint16(b[0:2]))
	copy(p.HWAddr[:], b[2:8])
	p.Name = cString(b[8:24])
	p.Config = binary.BigEndian.Uint32(b[24:28])
	p.State = binary.BigEndian.Uint32(b[28:32])
	p.Curr = binary.BigEndian.Uint32(b[32:36])
	p.Advertised = binary.BigEndian.Uint32(b[36:40])
	p.Supported = binary.BigEndian.Uint32(b[40:44])
	p.Peer = binary.BigEndian.Uint32(b[44:48])
}

// cString returns the NUL-terminated string at the start of b.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// appendCString appends s NUL-padded to n bytes. The specs ask for a
// terminating NUL, but a peer's full-width string (which cString reads
// whole) must survive a round trip, so s may fill all n bytes.
func appendCString(b []byte, s string, n int) ([]byte, error) {
	if len(s) > n {
		return b, fmt.Errorf("string %q longer than %d bytes", s, n)
	}
	b = append(b, s...)
	return appendZeros(b, n-len(s)), nil
}

var portConfigNames10 = []bitName10{
	{PC10PortDown, "PORT_DOWN"}, {PC10NoSTP, "NO_STP"}, {PC10NoRecv, "NO_RECV"},
	{PC10NoRecvSTP, "NO_RECV_STP"}, {PC10NoFlood, "NO_FLOOD"}, {PC10NoFwd, "NO_FWD"},
	{PC10NoPacketIn, "NO_PACKET_IN"},
}

var portFeatureNames10 = []bitName10{
	{PF1010MBHD, "10MB-HD"}, {PF1010MBFD, "10MB-FD"}, {PF10100MBHD, "100MB-HD"},
	{PF10100MBFD, "100MB-FD"}, {PF101GBHD, "1GB-HD"}, {PF101GBFD, "1GB-FD"},
	{PF1010GBFD, "10GB-FD"}, {PF10Copper, "COPPER"}, {PF10Fiber, "FIBER"},
	{PF10Autoneg, "AUTO_NEG"}, {PF10Pause, "AUTO_PAUSE"}, {PF10PauseAsym, "AUTO_PAUSE_ASYM"},
}

type bitName10 struct {
	bit  uint32
	name string
}

// formatBits10 names the set bits, space-separated. Like ovs-ofctl, it
// leaves out bits the spec does not define.
func formatBits10(v uint32, names []bitName10) string {
	var s []string
	for _, n := range names {
		if v&n.bit != 0 {
			s = append(s, n.name)
		}
	}
	return strings.Join(s, " ")
}

// featureSpeed10 is the speed in Mbps of the fastest rate in a feature
// set, or 0.
func featureSpeed10(f uint32) int {
	switch {
	case f&PF1010GBFD != 0:
		return 10000
	case f&(PF101GBHD|PF101GBFD) != 0:
		return 1000
	case f&(PF10100MBHD|PF10100MBFD) != 0:
		return 100
	case f&(PF1010MBHD|PF1010MBFD) != 0:
		return 10
	}
	return 0
}

// format prints a port as ovs-ofctl does, one line plus indented details.
func (p *Port10) format() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, " %s(%s): addr:%s\n", p.PortNo.String(), p.Name, p.HWAddr)
	fmt.Fprintf(&sb, "     config:     %s\n", orZero(formatBits10(p.Config, portConfigNames10)))
	// ovs-ofctl prints the STP state (none for STP_LISTEN, which is 0)
	// and LINK_DOWN without a space between them.
	state := [...]string{"", "STP_LEARN", "STP_FORWARD", "STP_BLOCK"}[(p.State&PS10STPMask)>>8]
	if p.State&PS10LinkDown != 0 {
		state += "LINK_DOWN"
	}
	state = orZero(state)
	fmt.Fprintf(&sb, "     state:      %s\n", state)
	for _, f := range []struct {
		name string
		v    uint32
	}{{"current:    ", p.Curr}, {"advertised: ", p.Advertised}, {"supported:  ", p.Supported}, {"peer:       ", p.Peer}} {
		if names := formatBits10(f.v, portFeatureNames10); names != "" {
			fmt.Fprintf(&sb, "     %s%s\n", f.name, names)
		}
	}
	fmt.Fprintf(&sb, "     speed: %d Mbps now, %d Mbps max\n", featureSpeed10(p.Curr), featureSpeed10(p.Supported))
	return sb.String()
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// OFPPR_* port-status reasons.
const (
	PR10Add    uint8 = 0
	PR10Delete uint8 = 1
	PR10Modify uint8 = 2
)

// PortStatus10 is OFPT_PORT_STATUS of OpenFlow 1.0.
type PortStatus10 struct {
	Reason uint8  `json:"reason"`
	Desc   Port10 `json:"desc"`
}

func (m *PortStatus10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = append(b, m.Reason)
	b = appendZeros(b, 7)
	return m.Desc.append(b)
}

func (m *PortStatus10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 8+Port10Len {
		return badRequest(BRC10BadLen, "port_status: body %d bytes, want %d", len(b), 8+Port10Len)
	}
	m.Reason = b[0]
	m.Desc.decode(b[8:])
	return nil
}

func (m *PortStatus10) formatBody(uint8) string {
	reason := fmt.Sprintf("reason(%d)", m.Reason)
	if int(m.Reason) < 3 {
		reason = [...]string{"ADD", "DEL", "MOD"}[m.Reason]
	}
	return " " + reason + ":" + strings.TrimSuffix(m.Desc.format(), "\n")
}

// PortMod10 is OFPT_PORT_MOD of OpenFlow 1.0: the Config bits selected by
// Mask are set as in Config; Advertise, when not zero, replaces the
// advertised features.
type PortMod10 struct {
	PortNo    PortNo10 `json:"port_no"`
	HWAddr    MAC      `json:"hw_addr"`
	Config    uint32   `json:"config"`
	Mask      uint32   `json:"mask"`
	Advertise uint32   `json:"advertise"`
}

func (m *PortMod10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, uint16(m.PortNo))
	b = append(b, m.HWAddr[:]...)
	b = binary.BigEndian.AppendUint32(b, m.Config)
	b = binary.BigEndian.AppendUint32(b, m.Mask)
	b = binary.BigEndian.AppendUint32(b, m.Advertise)
	return appendZeros(b, 4), nil
}

func (m *PortMod10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 24 {
		return badRequest(BRC10BadLen, "port_mod: body %d bytes, want 24", len(b))
	}
	m.PortNo = PortNo10(binary.BigEndian.Uint16(b[0:2]))
	copy(m.HWAddr[:], b[2:8])
	m.Config = binary.BigEndian.Uint32(b[8:12])
	m.Mask = binary.BigEndian.Uint32(b[12:16])
	m.Advertise = binary.BigEndian.Uint32(b[16:20])
	return nil
}

func (m *PortMod10) formatBody(uint8) string {
	s := fmt.Sprintf(" port: %s: addr:%s\n", m.PortNo.String(), m.HWAddr)
	// ovs-ofctl shows only the config bits the mask selects.
	s += fmt.Sprintf("     config: %s\n", orZero(formatBits10(m.Config&m.Mask, portConfigNames10)))
	s += fmt.Sprintf("     mask:   %s\n", orZero(formatBits10(m.Mask, portConfigNames10)))
	if m.Advertise != 0 {
		s += "     advertise: " + formatBits10(m.Advertise, portFeatureNames10)
	} else {
		s += "     advertise: UNCHANGED"
	}
	return s
}

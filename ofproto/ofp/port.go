package ofp

// The OpenFlow 1.3 port description, struct ofp_port (spec 1.3.5 §7.2.1),
// carried by OFPT_PORT_STATUS and the OFPMP_PORT_DESC reply, with the
// config, state and feature bits it uses.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// PortLen is the size of ofp_port.
const PortLen = 64

// portNameLen is OFP_MAX_PORT_NAME_LEN: the name field, NUL padded.
const portNameLen = 16

// PortConfig is ofp_port_config: what a controller sets on a port.
type PortConfig uint32

// Port config bits (OFPPC_*).
const (
	PortConfigDown       PortConfig = 1 << 0
	PortConfigNoRecv     PortConfig = 1 << 2
	PortConfigNoFwd      PortConfig = 1 << 5
	PortConfigNoPacketIn PortConfig = 1 << 6

	// PortConfigAll is every bit OpenFlow 1.3 defines.
	PortConfigAll = PortConfigDown | PortConfigNoRecv | PortConfigNoFwd | PortConfigNoPacketIn
)

// PortState is ofp_port_state: what the switch reports of a port.
type PortState uint32

// Port state bits (OFPPS_*).
const (
	PortStateLinkDown PortState = 1 << 0
	PortStateBlocked  PortState = 1 << 1
	PortStateLive     PortState = 1 << 2

	PortStateAll = PortStateLinkDown | PortStateBlocked | PortStateLive
)

// PortFeatures is ofp_port_features: link modes and media.
type PortFeatures uint32

// Port feature bits (OFPPF_*).
const (
	PortFeature10MbHD    PortFeatures = 1 << 0
	PortFeature10MbFD    PortFeatures = 1 << 1
	PortFeature100MbHD   PortFeatures = 1 << 2
	PortFeature100MbFD   PortFeatures = 1 << 3
	PortFeature1GbHD     PortFeatures = 1 << 4
	PortFeature1GbFD     PortFeatures = 1 << 5
	PortFeature10GbFD    PortFeatures = 1 << 6
	PortFeature40GbFD    PortFeatures = 1 << 7
	PortFeature100GbFD   PortFeatures = 1 << 8
	PortFeature1TbFD     PortFeatures = 1 << 9
	PortFeatureOther     PortFeatures = 1 << 10
	PortFeatureCopper    PortFeatures = 1 << 11
	PortFeatureFiber     PortFeatures = 1 << 12
	PortFeatureAutoneg   PortFeatures = 1 << 13
	PortFeaturePause     PortFeatures = 1 << 14
	PortFeaturePauseAsym PortFeatures = 1 << 15

	PortFeaturesAll PortFeatures = 1<<16 - 1
)

// Names as ovs-ofctl prints them.
var (
	portConfigNames = map[PortConfig]string{
		PortConfigDown: "PORT_DOWN", PortConfigNoRecv: "NO_RECV",
		PortConfigNoFwd: "NO_FWD", PortConfigNoPacketIn: "NO_PACKET_IN",
	}
	portStateNames = map[PortState]string{
		PortStateLinkDown: "LINK_DOWN", PortStateBlocked: "BLOCKED", PortStateLive: "LIVE",
	}
	portFeatureNames = [16]string{
		"10MB-HD", "10MB-FD", "100MB-HD", "100MB-FD", "1GB-HD", "1GB-FD", "10GB-FD",
		"40GB-FD", "100GB-FD", "1TB-FD", "OTHER", "COPPER", "FIBER", "AUTO_NEG",
		"AUTO_PAUSE", "AUTO_PAUSE_ASYM",
	}
)

// String lists the set bits by name ("PORT_DOWN NO_FWD"), "0" when none;
// bits 1.3 does not define print as hex.
func (c PortConfig) String() string {
	return bitNames(uint32(c), func(bit uint32) string { return portConfigNames[PortConfig(bit)] })
}

func (s PortState) String() string {
	return bitNames(uint32(s), func(bit uint32) string { return portStateNames[PortState(bit)] })
}

func (f PortFeatures) String() string {
	return bitNames(uint32(f), func(bit uint32) string {
		for i := range portFeatureNames {
			if bit == 1<<i {
				return portFeatureNames[i]
			}
		}
		return ""
	})
}

// bitNames prints the names of the set bits separated by spaces, then any
// unnamed bits as one hex number, as ovs-ofctl's ofp_print_bit_names does.
func bitNames(bits uint32, name func(bit uint32) string) string {
	if bits == 0 {
		return "0"
	}
	var parts []string
	for i := 0; i < 32; i++ {
		bit := uint32(1) << i
		if bits&bit == 0 {
			continue
		}
		if n := name(bit); n != "" {
			parts = append(parts, n)
			bits &^= bit
		}
	}
	if bits != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", bits))
	}
	return strings.Join(parts, " ")
}

// Port is ofp_port. Speeds are in kbit/s.
type Port struct {
	PortNo     PortNo       `json:"port_no"`
	HWAddr     MAC          `json:"hw_addr"`
	Name       string       `json:"name"`
	Config     PortConfig   `json:"config"`
	State      PortState    `json:"state"`
	Curr       PortFeatures `json:"curr"`
	Advertised PortFeatures `json:"advertised"`
	Supported  PortFeatures `json:"supported"`
	Peer       PortFeatures `json:"peer"`
	CurrSpeed  uint32       `json:"curr_speed"`
	MaxSpeed   uint32       `json:"max_speed"`
}

func (p *Port) appendTo(b []byte) ([]byte, error) {
	if len(p.Name) >= portNameLen {
		return b, fmt.Errorf("port %d: name %q longer than %d bytes", p.PortNo, p.Name, portNameLen-1)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(p.PortNo))
	b = appendZeros(b, 4)
	b = append(b, p.HWAddr[:]...)
	b = appendZeros(b, 2)
	b = appendName(b, p.Name, portNameLen)
	for _, w := range [...]uint32{uint32(p.Config), uint32(p.State), uint32(p.Curr), uint32(p.Advertised),
		uint32(p.Supported), uint32(p.Peer), p.CurrSpeed, p.MaxSpeed} {
		b = binary.BigEndian.AppendUint32(b, w)
	}
	return b, nil
}

// decodePort reads one ofp_port from the first PortLen bytes of b.
func decodePort(b []byte) (Port, error) {
	if len(b) < PortLen {
		return Port{}, badRequest(BRCBadLen, "port: %d bytes, need %d", len(b), PortLen)
	}
	var p Port
	p.PortNo = PortNo(binary.BigEndian.Uint32(b[0:4]))
	copy(p.HWAddr[:], b[8:14])
	p.Name = decodeName(b[16 : 16+portNameLen])
	u := func(off int) uint32 { return binary.BigEndian.Uint32(b[off : off+4]) }
	p.Config = PortConfig(u(32))
	p.State = PortState(u(36))
	p.Curr = PortFeatures(u(40))
	p.Advertised = PortFeatures(u(44))
	p.Supported = PortFeatures(u(48))
	p.Peer = PortFeatures(u(52))
	p.CurrSpeed = u(56)
	p.MaxSpeed = u(60)
	return p, nil
}

// appendName appends s NUL padded to a field of n bytes; the caller has
// checked that s leaves room for the terminating NUL.
func appendName(b []byte, s string, n int) []byte {
	b = append(b, s...)
	return appendZeros(b, n-len(s))
}

// decodeName reads a NUL-terminated string field; a field without a NUL
// is taken whole but for its last byte, as the spec reserves it for the
// terminator.
func decodeName(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b[:len(b)-1])
}

// format prints the port as ovs-ofctl's ofputil_phy_port_format: the name
// up to its first unprintable byte, bits 1.3 does not define left out.
func (p *Port) format(sb *strings.Builder) {
	name := p.Name
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] >= 0x7f {
			name = name[:i]
			break
		}
	}
	fmt.Fprintf(sb, " %s(%s): addr:%s\n", p.PortNo, name, p.HWAddr)
	fmt.Fprintf(sb, "     config:     %s\n", p.Config&PortConfigAll)
	fmt.Fprintf(sb, "     state:      %s\n", p.State&PortStateAll)
	for _, f := range [...]struct {
		label string
		bits  PortFeatures
	}{{"current:    ", p.Curr}, {"advertised: ", p.Advertised}, {"supported:  ", p.Supported}, {"peer:       ", p.Peer}} {
		if f.bits&PortFeaturesAll != 0 {
			fmt.Fprintf(sb, "     %s%s\n", f.label, f.bits&PortFeaturesAll)
		}
	}
	fmt.Fprintf(sb, "     speed: %d Mbps now, %d Mbps max", p.CurrSpeed/1000, p.MaxSpeed/1000)
}

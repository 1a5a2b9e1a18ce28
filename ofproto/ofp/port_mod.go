package ofp

// OFPT_PORT_MOD (spec 1.3.5 §7.3.9): the controller changes a port's
// config bits (those set in Mask) and what it advertises.

import (
	"encoding/binary"
	"fmt"
)

// portModLen is the whole message (struct ofp_port_mod).
const portModLen = 40

// PortMod is OFPT_PORT_MOD of OpenFlow 1.3. HWAddr must be the port's
// address: it guards against changing a port that was replaced. An
// Advertise of 0 leaves the advertised features unchanged.
type PortMod struct {
	PortNo    PortNo       `json:"port_no"`
	HWAddr    MAC          `json:"hw_addr"`
	Config    PortConfig   `json:"config"`
	Mask      PortConfig   `json:"mask"`
	Advertise PortFeatures `json:"advertise"`
	// From10 marks a port-mod converted from OpenFlow 1.0
	// (PortMod10.ToPortMod): its Config and Mask may also carry 1.0's
	// OFPPC_NO_FLOOD (PortConfigNoFlood10), which 1.3 dropped. It is not
	// on the wire: a 1.3 peer that sets bit 4 is still refused.
	From10 bool `json:"-"`
}

func (m *PortMod) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, uint32(m.PortNo))
	b = appendZeros(b, 4)
	b = append(b, m.HWAddr[:]...)
	b = appendZeros(b, 2)
	b = binary.BigEndian.AppendUint32(b, uint32(m.Config))
	b = binary.BigEndian.AppendUint32(b, uint32(m.Mask))
	b = binary.BigEndian.AppendUint32(b, uint32(m.Advertise))
	return appendZeros(b, 4), nil
}

func (m *PortMod) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != portModLen-HeaderLen {
		return badRequest(BRCBadLen, "port_mod: body %d bytes, want %d", len(b), portModLen-HeaderLen)
	}
	m.PortNo = PortNo(binary.BigEndian.Uint32(b[0:4]))
	copy(m.HWAddr[:], b[8:14])
	m.Config = PortConfig(binary.BigEndian.Uint32(b[16:20]))
	m.Mask = PortConfig(binary.BigEndian.Uint32(b[20:24]))
	m.Advertise = PortFeatures(binary.BigEndian.Uint32(b[24:28]))
	return nil
}

// formatBody prints as ovs-ofctl, which shows only the config bits that
// the mask selects and the bits 1.3 defines.
func (m *PortMod) formatBody(uint8) string {
	s := fmt.Sprintf(" port: %s: addr:%s\n", m.PortNo, m.HWAddr)
	s += fmt.Sprintf("     config: %s\n", m.Config&m.Mask&PortConfigAll)
	s += fmt.Sprintf("     mask:   %s\n", m.Mask&PortConfigAll)
	if adv := m.Advertise & PortFeaturesAll; adv != 0 {
		return s + "     advertise: " + adv.String()
	}
	return s + "     advertise: UNCHANGED"
}

// Validate checks what a switch can check of a port-mod without knowing
// its ports (spec 1.3.5 §7.4.4, OFPET_PORT_MOD_FAILED): the port is a
// physical port number or OFPP_LOCAL (OFPPMFC_BAD_PORT), config and mask
// use only defined bits (OFPPMFC_BAD_CONFIG; with From10 also 1.0's
// OFPPC_NO_FLOOD), and the advertised features
// are defined ones (OFPPMFC_BAD_ADVERTISE). Whether the port exists and
// HWAddr is its address (OFPPMFC_BAD_PORT, OFPPMFC_BAD_HW_ADDR) is for
// the switch to check.
func (m *PortMod) Validate() error {
	if m.PortNo == 0 || (m.PortNo > PortMax && m.PortNo != PortLocal) {
		return errf(ETPortModFailed, PMFCBadPort, "port_mod: port %s", m.PortNo)
	}
	defined := PortConfigAll
	if m.From10 {
		defined |= PortConfigNoFlood10
	}
	// The numbers are printed as numbers: PortConfig and PortFeatures are
	// Stringers, which %x would print as the hex of their names.
	if (m.Config|m.Mask)&^defined != 0 {
		return errf(ETPortModFailed, PMFCBadConfig, "port_mod: config %#x mask %#x use undefined bits",
			uint32(m.Config), uint32(m.Mask))
	}
	if m.Advertise&^PortFeaturesAll != 0 {
		return errf(ETPortModFailed, PMFCBadAdvertise, "port_mod: advertise %#x uses undefined bits", uint32(m.Advertise))
	}
	return nil
}

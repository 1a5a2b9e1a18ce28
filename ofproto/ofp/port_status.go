package ofp

// OFPT_PORT_STATUS (spec 1.3.5 §7.4.3): the switch tells the controller a
// port was added, removed or changed.

import (
	"strconv"
	"strings"
)

// PortReason is ofp_port_reason.
type PortReason uint8

// Port status reasons (OFPPR_*).
const (
	PortReasonAdd    PortReason = 0
	PortReasonDelete PortReason = 1
	PortReasonModify PortReason = 2
)

// String is ovs-ofctl's abbreviation (ADD, DEL, MOD).
func (r PortReason) String() string {
	switch r {
	case PortReasonAdd:
		return "ADD"
	case PortReasonDelete:
		return "DEL"
	case PortReasonModify:
		return "MOD"
	}
	return "reason=" + strconv.Itoa(int(r))
}

// portStatusLen is the whole message: header, reason, 7 pad bytes, ofp_port.
const portStatusLen = HeaderLen + 8 + PortLen

// PortStatus is OFPT_PORT_STATUS of OpenFlow 1.3.
type PortStatus struct {
	Reason PortReason `json:"reason"`
	Desc   Port       `json:"desc"`
}

func (m *PortStatus) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = append(b, uint8(m.Reason))
	b = appendZeros(b, 7)
	return m.Desc.appendTo(b)
}

func (m *PortStatus) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != portStatusLen-HeaderLen {
		return badRequest(BRCBadLen, "port_status: body %d bytes, want %d", len(b), portStatusLen-HeaderLen)
	}
	m.Reason = PortReason(b[0])
	var err error
	m.Desc, err = decodePort(b[8:])
	return err
}

func (m *PortStatus) formatBody(uint8) string {
	var sb strings.Builder
	sb.WriteString(" " + m.Reason.String() + ":")
	m.Desc.format(&sb)
	return sb.String()
}

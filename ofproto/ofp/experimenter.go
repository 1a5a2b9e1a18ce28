package ofp

// OFPT_EXPERIMENTER (spec 1.3.5 §7.5.4): an experimenter id, a type of the
// experimenter's choosing and opaque data.

import (
	"encoding/binary"
	"fmt"
)

// Experimenter is OFPT_EXPERIMENTER.
type Experimenter struct {
	Experimenter uint32 `json:"experimenter"`
	ExpType      uint32 `json:"exp_type"`
	Data         []byte `json:"data,omitempty"`
}

func (m *Experimenter) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, m.Experimenter)
	b = binary.BigEndian.AppendUint32(b, m.ExpType)
	return append(b, m.Data...), nil
}

func (m *Experimenter) unmarshalBody(b []byte, _ uint8) error {
	m.Experimenter = binary.BigEndian.Uint32(b[0:4])
	m.ExpType = binary.BigEndian.Uint32(b[4:8])
	m.Data = cloneBytes(b[8:])
	return nil
}

// formatBody prints the ids and the data. ovs-ofctl decodes only the
// experimenter messages of Open vSwitch itself and reports others as
// OFPBRC_BAD_VENDOR, so there is no text of its to follow here.
func (m *Experimenter) formatBody(uint8) string {
	s := fmt.Sprintf(" experimenter=%#x exp_type=%d", m.Experimenter, m.ExpType)
	if len(m.Data) > 0 {
		s += "\n" + hexDump(m.Data)
	}
	return s
}

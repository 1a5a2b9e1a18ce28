package ofp

// OFPT_VENDOR of OpenFlow 1.0 (spec 1.0.0 §5.5.4, struct ofp_vendor_header):
// a vendor id and an opaque payload.

import (
	"encoding/binary"
	"fmt"
)

// Vendor10 is OFPT_VENDOR of OpenFlow 1.0 (1.3's OFPT_EXPERIMENTER).
type Vendor10 struct {
	Vendor uint32 `json:"vendor"`
	Data   []byte `json:"data,omitempty"`
}

func (m *Vendor10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, m.Vendor)
	return append(b, m.Data...), nil
}

func (m *Vendor10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) < 4 {
		return badRequest(BRC10BadLen, "vendor: body %d bytes", len(b))
	}
	m.Vendor = binary.BigEndian.Uint32(b[0:4])
	m.Data = cloneBytes(b[4:])
	return nil
}

func (m *Vendor10) formatBody(uint8) string {
	return fmt.Sprintf(" vendor=0x%08x", m.Vendor) + formatPayload(m.Data)
}

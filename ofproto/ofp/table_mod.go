package ofp

// OFPT_TABLE_MOD of OpenFlow 1.3 (spec 1.3.5 §7.3.3). In 1.3 every config
// bit is deprecated (OFPTC_DEPRECATED_MASK); the message is kept for
// compatibility and carries the bits through unchanged.

import (
	"encoding/binary"
	"fmt"
)

// TableMod is OFPT_TABLE_MOD in OpenFlow 1.3.
type TableMod struct {
	TableID uint8  `json:"table_id"`
	Config  uint32 `json:"config"`
}

func (m *TableMod) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = append(b, m.TableID, 0, 0, 0)
	return binary.BigEndian.AppendUint32(b, m.Config), nil
}

func (m *TableMod) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 8 {
		return badRequest(BRCBadLen, "table-mod: body %d bytes, want 8", len(b))
	}
	m.TableID = b[0]
	m.Config = binary.BigEndian.Uint32(b[4:8])
	return nil
}

// Validate refuses config bits that 1.3 does not define
// (OFPTMFC_BAD_CONFIG; OFPTC_DEPRECATED_MASK is 3).
func (m *TableMod) Validate() error {
	if m.Config&^3 != 0 {
		return errf(ETTableModFailed, TMFCBadConfig, "table config %#x", m.Config)
	}
	return nil
}

func (m *TableMod) formatBody(uint8) string {
	if m.TableID == TableAll {
		return " table_id: ALL_TABLES"
	}
	return fmt.Sprintf(" table_id=%d", m.TableID)
}

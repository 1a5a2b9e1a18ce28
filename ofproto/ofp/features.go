package ofp

// OFPT_FEATURES_REPLY of OpenFlow 1.3 (spec 1.3.5 §7.3.1). Ports are no
// longer listed here in 1.3; they come from the port-description
// multipart request.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Switch capabilities (enum ofp_capabilities).
const (
	CapFlowStats   uint32 = 1 << 0
	CapTableStats  uint32 = 1 << 1
	CapPortStats   uint32 = 1 << 2
	CapGroupStats  uint32 = 1 << 3
	CapIPReasm     uint32 = 1 << 5
	CapQueueStats  uint32 = 1 << 6
	CapPortBlocked uint32 = 1 << 8
)

// FeaturesReply is OFPT_FEATURES_REPLY in OpenFlow 1.3.
type FeaturesReply struct {
	DatapathID   uint64 `json:"datapath_id"`
	NBuffers     uint32 `json:"n_buffers"`
	NTables      uint8  `json:"n_tables"`
	AuxiliaryID  uint8  `json:"auxiliary_id"`
	Capabilities uint32 `json:"capabilities"`
	Reserved     uint32 `json:"reserved"`
}

func (m *FeaturesReply) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint64(b, m.DatapathID)
	b = binary.BigEndian.AppendUint32(b, m.NBuffers)
	b = append(b, m.NTables, m.AuxiliaryID, 0, 0)
	b = binary.BigEndian.AppendUint32(b, m.Capabilities)
	return binary.BigEndian.AppendUint32(b, m.Reserved), nil
}

func (m *FeaturesReply) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 24 {
		return badRequest(BRCBadLen, "features reply: body %d bytes, want 24", len(b))
	}
	m.DatapathID = binary.BigEndian.Uint64(b[0:8])
	m.NBuffers = binary.BigEndian.Uint32(b[8:12])
	m.NTables, m.AuxiliaryID = b[12], b[13]
	m.Capabilities = binary.BigEndian.Uint32(b[16:20])
	m.Reserved = binary.BigEndian.Uint32(b[20:24])
	return nil
}

var capabilityNames = []struct {
	bit  uint32
	name string
}{
	{CapFlowStats, "FLOW_STATS"}, {CapTableStats, "TABLE_STATS"}, {CapPortStats, "PORT_STATS"},
	{CapGroupStats, "GROUP_STATS"}, {CapIPReasm, "IP_REASM"}, {CapQueueStats, "QUEUE_STATS"},
	{CapPortBlocked, "PORT_BLOCKED"},
}

func (m *FeaturesReply) formatBody(uint8) string {
	var caps []string
	// ovs-ofctl leaves out bits it has no name for.
	for _, c := range capabilityNames {
		if m.Capabilities&c.bit != 0 {
			caps = append(caps, c.name)
		}
	}
	s := fmt.Sprintf(" dpid:%016x\nn_tables:%d, n_buffers:%d", m.DatapathID, m.NTables, m.NBuffers)
	if m.AuxiliaryID != 0 {
		s += fmt.Sprintf(", auxiliary_id:%d", m.AuxiliaryID)
	}
	return s + "\ncapabilities: " + strings.Join(caps, " ")
}

package ofp

// OFPT_FEATURES_REPLY of OpenFlow 1.0 (spec 1.0.0 §5.3.1, struct
// ofp_switch_features): datapath id, buffers, tables, capability and
// action bitmaps, and the list of physical ports.

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// OFPC_* capability bits of 1.0.
const (
	Cap10FlowStats  uint32 = 1 << 0
	Cap10TableStats uint32 = 1 << 1
	Cap10PortStats  uint32 = 1 << 2
	Cap10STP        uint32 = 1 << 3
	Cap10Reserved   uint32 = 1 << 4
	Cap10IPReasm    uint32 = 1 << 5
	Cap10QueueStats uint32 = 1 << 6
	Cap10ARPMatchIP uint32 = 1 << 7
)

// FeaturesReply10 is OFPT_FEATURES_REPLY of OpenFlow 1.0. Actions has bit
// n set when the switch supports action type n.
type FeaturesReply10 struct {
	DatapathID   uint64   `json:"datapath_id"`
	NBuffers     uint32   `json:"n_buffers"`
	NTables      uint8    `json:"n_tables"`
	Capabilities uint32   `json:"capabilities"`
	Actions      uint32   `json:"actions"`
	Ports        []Port10 `json:"ports,omitempty"`
}

func (m *FeaturesReply10) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint64(b, m.DatapathID)
	b = binary.BigEndian.AppendUint32(b, m.NBuffers)
	b = append(b, m.NTables, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, m.Capabilities)
	b = binary.BigEndian.AppendUint32(b, m.Actions)
	var err error
	for i := range m.Ports {
		if b, err = m.Ports[i].append(b); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (m *FeaturesReply10) unmarshalBody(b []byte, _ uint8) error {
	if len(b) < 24 || (len(b)-24)%Port10Len != 0 {
		return badRequest(BRC10BadLen, "features_reply: body %d bytes is not 24 plus whole ports", len(b))
	}
	m.DatapathID = binary.BigEndian.Uint64(b[0:8])
	m.NBuffers = binary.BigEndian.Uint32(b[8:12])
	m.NTables = b[12]
	m.Capabilities = binary.BigEndian.Uint32(b[16:20])
	m.Actions = binary.BigEndian.Uint32(b[20:24])
	m.Ports = nil
	for b = b[24:]; len(b) > 0; b = b[Port10Len:] {
		var p Port10
		p.decode(b)
		m.Ports = append(m.Ports, p)
	}
	return nil
}

var capabilityNames10 = []bitName10{
	{Cap10FlowStats, "FLOW_STATS"}, {Cap10TableStats, "TABLE_STATS"}, {Cap10PortStats, "PORT_STATS"},
	{Cap10STP, "STP"}, {Cap10IPReasm, "IP_REASM"}, {Cap10QueueStats, "QUEUE_STATS"},
	{Cap10ARPMatchIP, "ARP_MATCH_IP"},
}

var actionBitNames10 = []bitName10{
	{1 << AT10Output, "output"}, {1 << AT10Enqueue, "enqueue"}, {1 << AT10SetVLANVID, "set_vlan_vid"},
	{1 << AT10SetVLANPCP, "set_vlan_pcp"}, {1 << AT10StripVLAN, "strip_vlan"},
	{1 << AT10SetDLSrc, "mod_dl_src"}, {1 << AT10SetDLDst, "mod_dl_dst"},
	{1 << AT10SetNWSrc, "mod_nw_src"}, {1 << AT10SetNWDst, "mod_nw_dst"},
	{1 << AT10SetNWTos, "mod_nw_tos"}, {1 << AT10SetTPSrc, "mod_tp_src"}, {1 << AT10SetTPDst, "mod_tp_dst"},
}

func (m *FeaturesReply10) formatBody(uint8) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, " dpid:%016x\n", m.DatapathID)
	fmt.Fprintf(&sb, "n_tables:%d, n_buffers:%d\n", m.NTables, m.NBuffers)
	fmt.Fprintf(&sb, "capabilities: %s\n", orZero(formatBits10(m.Capabilities, capabilityNames10)))
	if acts := formatBits10(m.Actions, actionBitNames10); acts != "" {
		fmt.Fprintf(&sb, "actions: %s\n", acts)
	}
	ports := append([]Port10(nil), m.Ports...)
	sort.SliceStable(ports, func(i, j int) bool { return ports[i].PortNo < ports[j].PortNo })
	for i := range ports {
		sb.WriteString(ports[i].format())
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

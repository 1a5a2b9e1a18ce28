package ofp

// OFPT_GET_ASYNC_REQUEST, OFPT_GET_ASYNC_REPLY and OFPT_SET_ASYNC
// (spec 1.3.5 §7.3.10): which asynchronous messages a controller gets, per
// role.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// AsyncConfig is the body of get-async reply and set-async. Index 0 of
// each pair is for the master or equal role, index 1 for slave; bit n of a
// mask enables reason n (OFPR_*, OFPPR_*, OFPRR_*).
type AsyncConfig struct {
	PacketInMask    [2]uint32 `json:"packet_in_mask"`
	PortStatusMask  [2]uint32 `json:"port_status_mask"`
	FlowRemovedMask [2]uint32 `json:"flow_removed_mask"`
}

// GetAsyncRequest is OFPT_GET_ASYNC_REQUEST.
type GetAsyncRequest struct{ emptyBody }

// GetAsyncReply is OFPT_GET_ASYNC_REPLY.
type GetAsyncReply struct{ AsyncConfig }

// SetAsync is OFPT_SET_ASYNC.
type SetAsync struct{ AsyncConfig }

func (c *AsyncConfig) appendBody(b []byte, _ uint8) ([]byte, error) {
	for _, m := range [...]*[2]uint32{&c.PacketInMask, &c.PortStatusMask, &c.FlowRemovedMask} {
		b = binary.BigEndian.AppendUint32(b, m[0])
		b = binary.BigEndian.AppendUint32(b, m[1])
	}
	return b, nil
}

func (c *AsyncConfig) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 24 {
		return badRequest(BRCBadLen, "async config: body %d bytes, want 24", len(b))
	}
	for i, m := range [...]*[2]uint32{&c.PacketInMask, &c.PortStatusMask, &c.FlowRemovedMask} {
		m[0] = binary.BigEndian.Uint32(b[8*i:])
		m[1] = binary.BigEndian.Uint32(b[8*i+4:])
	}
	return nil
}

// formatAsyncMask prints the reasons enabled in mask, "(off)" for none.
func formatAsyncMask(mask uint32, names []string) string {
	var s []string
	for i, n := range names {
		if mask&(1<<i) != 0 {
			s = append(s, n)
		}
	}
	if len(s) == 0 {
		return "(off)"
	}
	return strings.Join(s, " ")
}

// formatBody prints as ovs-ofctl does, including the rows of the message
// kinds OpenFlow 1.4 added, which 1.3 always has off.
func (c *AsyncConfig) formatBody(uint8) string {
	var sb strings.Builder
	for i, role := range [...]string{"primary", "secondary"} {
		fmt.Fprintf(&sb, "\n %s:\n", role)
		fmt.Fprintf(&sb, "%16s: %s\n", "PACKET_IN", formatAsyncMask(c.PacketInMask[i], packetInReasons[:]))
		fmt.Fprintf(&sb, "%16s: %s\n", "PORT_STATUS", formatAsyncMask(c.PortStatusMask[i], []string{"add", "delete", "modify"}))
		fmt.Fprintf(&sb, "%16s: %s\n", "FLOW_REMOVED", formatAsyncMask(c.FlowRemovedMask[i], flowRemovedReasons[:]))
		for _, k := range [...]string{"ROLE_STATUS", "TABLE_STATUS", "REQUESTFORWARD"} {
			fmt.Fprintf(&sb, "%16s: (off)\n", k)
		}
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

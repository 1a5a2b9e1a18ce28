package ofp

// OFPMP_GROUP_DESC (spec 1.3.5 §7.3.5.10): struct ofp_group_desc, each
// group with its buckets. The request has no body.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

const groupDescLen = 8 // without buckets

// GroupDescRequest is the body of an OFPMP_GROUP_DESC request.
type GroupDescRequest struct{ mpEmpty }

// formatMP prints what ovs-ofctl prints for the OpenFlow 1.3 request,
// which has no group field.
func (GroupDescRequest) formatMP() string { return " group_id=ALL" }

// GroupDesc is ofp_group_desc.
type GroupDesc struct {
	Type    uint8    `json:"type"`
	GroupID uint32   `json:"group_id"`
	Buckets []Bucket `json:"buckets"`
}

// GroupDescReply is the body of an OFPMP_GROUP_DESC reply.
type GroupDescReply struct {
	Entries []GroupDesc `json:"entries"`
}

func (r *GroupDescReply) numEntries() int { return len(r.Entries) }

func (r *GroupDescReply) appendEntry(b []byte, i int) ([]byte, error) {
	e := &r.Entries[i]
	start := len(b)
	b = append(b, 0, 0, e.Type, 0) // length patched below
	b = binary.BigEndian.AppendUint32(b, e.GroupID)
	b, err := appendBuckets(b, e.Buckets)
	if err != nil {
		return b[:start], err
	}
	return putLen16(b, start, 0, "group desc")
}

func (r *GroupDescReply) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }

func (r *GroupDescReply) unmarshalMP(b []byte) error {
	r.Entries = make([]GroupDesc, 0, countEntries(b, 0, groupDescLen))
	return decodeEntries(b, "group desc", 0, groupDescLen, func(e []byte) error {
		bs, err := decodeBuckets(e[groupDescLen:])
		if err != nil {
			return err
		}
		r.Entries = append(r.Entries, GroupDesc{Type: e[2], GroupID: binary.BigEndian.Uint32(e[4:8]), Buckets: bs})
		return nil
	})
}

// formatMP prints each group as ovs-ofctl's ofp_print_group.
func (r *GroupDescReply) formatMP() string {
	var sb strings.Builder
	for i := range r.Entries {
		e := &r.Entries[i]
		typ := "unknown"
		if int(e.Type) < len(groupTypeNames) {
			typ = groupTypeNames[e.Type]
		}
		fmt.Fprintf(&sb, "\n group_id=%d,type=%s", e.GroupID, typ)
		for j := range e.Buckets {
			sb.WriteString("," + formatBucket(&e.Buckets[j], e.Type))
		}
	}
	return sb.String()
}

package ofp

// OFPT_GROUP_MOD (spec 1.3.5 §7.3.4.2).

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Group-mod commands (enum ofp_group_mod_command).
const (
	GroupAdd    uint16 = 0
	GroupModify uint16 = 1
	GroupDelete uint16 = 2
)

// Group types (enum ofp_group_type).
const (
	GroupTypeAll          uint8 = 0
	GroupTypeSelect       uint8 = 1
	GroupTypeIndirect     uint8 = 2
	GroupTypeFastFailover uint8 = 3
)

// GroupMod is OFPT_GROUP_MOD.
type GroupMod struct {
	Command uint16   `json:"command"`
	Type    uint8    `json:"type"`
	GroupID uint32   `json:"group_id"`
	Buckets []Bucket `json:"buckets"`
}

func (m *GroupMod) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, m.Command)
	b = append(b, m.Type, 0)
	b = binary.BigEndian.AppendUint32(b, m.GroupID)
	return appendBuckets(b, m.Buckets)
}

func (m *GroupMod) unmarshalBody(b []byte, _ uint8) error {
	m.Command = binary.BigEndian.Uint16(b[0:2])
	m.Type = b[2]
	m.GroupID = binary.BigEndian.Uint32(b[4:8])
	var err error
	if m.Buckets, err = decodeBuckets(b[8:]); err != nil {
		return err
	}
	return m.Validate()
}

// Validate checks what a switch must refuse in a group-mod (spec 1.3.5
// §6.5): a known command (OFPGMFC_BAD_COMMAND) and type
// (OFPGMFC_BAD_TYPE), a group id that names one group
// (OFPGMFC_INVALID_GROUP; delete may also name OFPG_ALL), buckets that fit
// the type (§5.6.1: weights only in select groups, one bucket in an
// indirect group, a watched port or group for each fast-failover bucket;
// OFPGMFC_INVALID_GROUP, as Open vSwitch answers) and valid bucket
// actions. Decoding calls it.
func (m *GroupMod) Validate() error {
	if m.Command > GroupDelete {
		return errf(ETGroupModFailed, GMFCBadCommand, "group command %d", m.Command)
	}
	if m.Type > GroupTypeFastFailover {
		return errf(ETGroupModFailed, GMFCBadType, "group type %d", m.Type)
	}
	if m.GroupID > GroupMax && !(m.Command == GroupDelete && m.GroupID == GroupAll) {
		return errf(ETGroupModFailed, GMFCInvalidGroup, "group id %#x", m.GroupID)
	}
	if m.Command != GroupDelete {
		if m.Type == GroupTypeIndirect && len(m.Buckets) != 1 {
			return errf(ETGroupModFailed, GMFCInvalidGroup, "indirect group with %d buckets", len(m.Buckets))
		}
		for i := range m.Buckets {
			k := &m.Buckets[i]
			if k.Weight != 0 && m.Type != GroupTypeSelect {
				return errf(ETGroupModFailed, GMFCInvalidGroup, "bucket %d: weight in a group of type %d", i, m.Type)
			}
			if m.Type == GroupTypeFastFailover && k.WatchPort == PortAny && k.WatchGroup == GroupAny {
				return errf(ETGroupModFailed, GMFCInvalidGroup, "fast-failover bucket %d watches nothing", i)
			}
		}
	}
	for i := range m.Buckets {
		if err := ValidateActions(m.Buckets[i].Actions); err != nil {
			return err
		}
	}
	return nil
}

var groupTypeNames = [...]string{"all", "select", "indirect", "ff"}

// groupIDString names OFPG_ALL and OFPG_ANY as ovs-ofctl does in group
// statistics; other ids print in decimal.
func groupIDString(id uint32) string {
	switch id {
	case GroupAll:
		return "ALL"
	case GroupAny:
		return "ANY"
	}
	return fmt.Sprint(id)
}

func (m *GroupMod) formatBody(uint8) string {
	cmd := [...]string{"ADD", "MOD", "DEL"}
	var sb strings.Builder
	sb.WriteString("\n ")
	if int(m.Command) < len(cmd) {
		sb.WriteString(cmd[m.Command])
	} else {
		fmt.Fprintf(&sb, "cmd:%d", m.Command)
	}
	fmt.Fprintf(&sb, " group_id=%d", m.GroupID) // numeric even for OFPG_ALL, as ovs-ofctl
	if int(m.Type) < len(groupTypeNames) {
		sb.WriteString(",type=" + groupTypeNames[m.Type])
	} else {
		fmt.Fprintf(&sb, ",type=%d", m.Type)
	}
	for i := range m.Buckets {
		sb.WriteString("," + formatBucket(&m.Buckets[i], m.Type))
	}
	return sb.String()
}

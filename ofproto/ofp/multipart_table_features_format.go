package ofp

// Text of table features as `ovs-ofctl ofp-print` prints them. Open
// vSwitch folds the properties into a model of a table (instruction,
// action and field sets for hits and for misses) and prints that model,
// comparing each table with the one before it ("ditto", "(same
// instructions)"). This file builds the same model from the properties.
// What the model has no place for is left out of the text (JSON keeps
// everything): experimenter properties, and instruction, action and field
// ids Open vSwitch does not know.

import (
	"fmt"
	"strings"
)

// tfFieldOrder lists the OpenFlow-basic fields Open vSwitch knows, in the
// order it prints them, with its names for them.
var tfFieldOrder = [...]struct {
	field uint8
	name  string
}{
	{OXMTunnelIDField, "tun_id"}, {OXMMetadataField, "metadata"}, {OXMInPortField, "in_port_oxm"},
	{OXMEthSrcField, "eth_src"}, {OXMEthDstField, "eth_dst"}, {OXMEthTypeField, "eth_type"},
	{OXMVlanVIDField, "vlan_vid"}, {OXMVlanPCPField, "vlan_pcp"}, {OXMMPLSLabelField, "mpls_label"},
	{OXMMPLSTCField, "mpls_tc"}, {OXMMPLSBOSField, "mpls_bos"}, {OXMIPv4SrcField, "ip_src"},
	{OXMIPv4DstField, "ip_dst"}, {OXMIPv6SrcField, "ipv6_src"}, {OXMIPv6DstField, "ipv6_dst"},
	{OXMIPv6FlabelField, "ipv6_label"}, {OXMIPProtoField, "nw_proto"}, {OXMIPDSCPField, "ip_dscp"},
	{OXMIPECNField, "nw_ecn"}, {OXMARPOpField, "arp_op"}, {OXMARPSPAField, "arp_spa"},
	{OXMARPTPAField, "arp_tpa"}, {OXMARPSHAField, "arp_sha"}, {OXMARPTHAField, "arp_tha"},
	{OXMTCPSrcField, "tcp_src"}, {OXMTCPDstField, "tcp_dst"}, {OXMUDPSrcField, "udp_src"},
	{OXMUDPDstField, "udp_dst"}, {OXMSCTPSrcField, "sctp_src"}, {OXMSCTPDstField, "sctp_dst"},
	{OXMICMPv4TypeField, "icmp_type"}, {OXMICMPv4CodeField, "icmp_code"},
	{OXMICMPv6TypeField, "icmpv6_type"}, {OXMICMPv6CodeField, "icmpv6_code"},
	{OXMIPv6NDTargetField, "nd_target"}, {OXMIPv6NDSLLField, "nd_sll"}, {OXMIPv6NDTLLField, "nd_tll"},
}

// tfInstructionOrder: OFPIT_* numbers in the order ovs-ofctl prints them.
var tfInstructionOrder = [...]struct {
	typ  uint16
	name string
}{{6, "meter"}, {4, "apply_actions"}, {5, "clear_actions"}, {3, "write_actions"}, {2, "write_metadata"}, {1, "goto_table"}}

// fieldSet has bit i set for tfFieldOrder[i].
type fieldSet uint64

// tfFieldIndex maps an OXM id to its tfFieldOrder index. Open vSwitch
// knows an id only by its exact header, so the length must be the
// field's size (twice that when the id says masked).
func tfFieldIndex(id OXMID) (int, bool) {
	if id.Header>>16 != uint32(OXMClassOpenFlowBasic) {
		return 0, false
	}
	field, hasMask, n := uint8(id.Header>>9&0x7f), id.Header&0x100 != 0, int(id.Header&0xff)
	f, ok := basicField(field)
	if !ok || (hasMask && n != 2*f.size) || (!hasMask && n != f.size) {
		return 0, false
	}
	for i, o := range tfFieldOrder {
		if o.field == field {
			return i, true
		}
	}
	return 0, false
}

func fieldSetOf(ids []OXMID) (all, masked fieldSet) {
	for _, id := range ids {
		if i, ok := tfFieldIndex(id); ok {
			all |= 1 << i
			if id.Header&0x100 != 0 {
				masked |= 1 << i
			}
		}
	}
	return all, masked
}

// String lists the fields as ovs-ofctl does: runs of names that share
// the part up to the first "_" are folded, "eth_{src,dst,type}".
func (s fieldSet) String() string {
	var names []string
	for i, o := range tfFieldOrder {
		if s&(1<<i) != 0 {
			names = append(names, o.name)
		}
	}
	prefix := func(n string) string { return n[:strings.IndexByte(n, '_')+1] }
	var out []string
	for i := 0; i < len(names); {
		p := prefix(names[i])
		j := i + 1
		for p != "" && j < len(names) && prefix(names[j]) == p {
			j++
		}
		if j-i == 1 {
			out = append(out, names[i])
		} else {
			var rest []string
			for _, n := range names[i:j] {
				rest = append(rest, n[len(p):])
			}
			out = append(out, p+"{"+strings.Join(rest, ",")+"}")
		}
		i = j
	}
	return strings.Join(out, " ")
}

// tfActions is an action set: bit i for actionBitNames[i], and the
// fields set-field may write.
type tfActions struct {
	actions   uint32
	setFields fieldSet
}

func (a tfActions) empty() bool { return a.actions == 0 && a.setFields == 0 }

func (a tfActions) format(sb *strings.Builder) {
	if a.actions != 0 {
		var names []string
		for i, n := range actionBitNames {
			if a.actions&(1<<i) != 0 {
				names = append(names, n.name)
			}
		}
		sb.WriteString("        actions: " + strings.Join(names, " ") + "\n")
	}
	if a.setFields != 0 {
		sb.WriteString("        supported on Set-Field: " + a.setFields.String() + "\n")
	}
}

// tfInstructions is what a table allows for hits or for misses.
type tfInstructions struct {
	next         [4]uint64 // bitmap of table ids 0-254
	instructions uint32    // bit i for tfInstructionOrder[i]
	write, apply tfActions
}

func (t *tfInstructions) empty() bool {
	return t.next == [4]uint64{} && t.instructions == 0 && t.write.empty() && t.apply.empty()
}

func (t *tfInstructions) format(sb *strings.Builder, prev *tfInstructions) {
	if t.next != ([4]uint64{}) {
		var ranges []string
		for id := 0; id < 255; id++ {
			if t.next[id/64]&(1<<(id%64)) == 0 {
				continue
			}
			end := id
			for end+1 < 255 && t.next[(end+1)/64]&(1<<((end+1)%64)) != 0 {
				end++
			}
			if end == id {
				ranges = append(ranges, fmt.Sprint(id))
			} else {
				ranges = append(ranges, fmt.Sprintf("%d-%d", id, end))
			}
			id = end
		}
		sb.WriteString("      next tables: " + strings.Join(ranges, ",") + "\n")
	}
	if t.instructions != 0 {
		if prev != nil && prev.instructions == t.instructions {
			sb.WriteString("      (same instructions)\n")
		} else {
			var names []string
			for i, in := range tfInstructionOrder {
				if t.instructions&(1<<i) != 0 {
					names = append(names, in.name)
				}
			}
			sb.WriteString("      instructions: " + strings.Join(names, " ") + "\n")
		}
	}
	switch {
	case prev != nil && t.write == prev.write && t.apply == prev.apply && t.write.setFields != 0:
		sb.WriteString("      (same actions)\n")
	case t.write != t.apply:
		sb.WriteString("      Write-Actions features:\n")
		t.write.format(sb)
		sb.WriteString("      Apply-Actions features:\n")
		t.apply.format(sb)
	case !t.write.empty():
		sb.WriteString("      Write-Actions and Apply-Actions features:\n")
		t.write.format(sb)
	}
}

// tfModel is one table as Open vSwitch sees it.
type tfModel struct {
	metadataMatch, metadataWrite uint64
	maxEntries                   uint32
	nonmiss, miss                tfInstructions
	match, mask, wildcard        fieldSet
}

func buildTFModel(t *TableFeatures) tfModel {
	m := tfModel{metadataMatch: t.MetadataMatch, metadataWrite: t.MetadataWrite, maxEntries: t.MaxEntries}
	for _, p := range t.Properties {
		ti := &m.nonmiss
		if p.Type <= TFPApplySetfieldMiss && p.Type%2 == 1 {
			ti = &m.miss
		}
		switch p.Type {
		case TFPInstructions, TFPInstructionsMiss:
			ti.instructions = 0
			for _, id := range p.Instructions {
				for i, in := range tfInstructionOrder {
					if in.typ == id.Type {
						ti.instructions |= 1 << i
					}
				}
			}
		case TFPNextTables, TFPNextTablesMiss:
			ti.next = [4]uint64{}
			for _, id := range p.NextTables {
				if id < 255 {
					ti.next[id/64] |= 1 << (id % 64)
				}
			}
		case TFPWriteActions, TFPWriteActionsMiss, TFPApplyActions, TFPApplyActionsMiss:
			a := &ti.write.actions
			if p.Type >= TFPApplyActions {
				a = &ti.apply.actions
			}
			*a = 0
			for _, id := range p.Actions {
				for i, n := range actionBitNames {
					if id.Type != 0xffff && uint(id.Type) == n.bit {
						*a |= 1 << i
					}
				}
			}
		case TFPWriteSetfield, TFPWriteSetfieldMiss:
			ti.write.setFields, _ = fieldSetOf(p.OXMs)
		case TFPApplySetfield, TFPApplySetfieldMiss:
			ti.apply.setFields, _ = fieldSetOf(p.OXMs)
		case TFPMatch:
			m.match, m.mask = fieldSetOf(p.OXMs)
		case TFPWildcards:
			m.wildcard, _ = fieldSetOf(p.OXMs)
		}
	}
	return m
}

// formatTableFeatures prints tables as ovs-ofctl's
// ofputil_table_features_format: a table equal to the one before it
// prints as "ditto" (runs of unnamed ones as one line), parts equal to
// the previous table's as "(same ...)".
func formatTableFeatures(tables []TableFeatures) string {
	var sb strings.Builder
	first, last := -1, -1
	flush := func() {
		switch {
		case first < 0:
		case first == last:
			fmt.Fprintf(&sb, "\n  table %d: ditto\n", first)
		default:
			fmt.Fprintf(&sb, "\n  tables %d...%d: ditto\n", first, last)
		}
		first = -1
	}
	var prev *tfModel
	for i := range tables {
		t := &tables[i]
		m := buildTFModel(t)
		same := prev != nil && m == *prev
		if same && t.Name == "" {
			if first < 0 {
				first = int(t.TableID)
			}
			last = int(t.TableID)
			continue
		}
		flush()
		fmt.Fprintf(&sb, "\n  table %d", t.TableID)
		if t.Name != "" {
			fmt.Fprintf(&sb, " (%q)", t.Name)
		}
		sb.WriteByte(':')
		if same {
			sb.WriteString(" ditto")
			prev = &m
			continue
		}
		sb.WriteByte('\n')
		m.format(&sb, prev)
		prev = &m
	}
	flush()
	return strings.TrimRight(sb.String(), "\n")
}

func (m *tfModel) format(sb *strings.Builder, prev *tfModel) {
	if m.metadataMatch != 0 || m.metadataWrite != 0 {
		fmt.Fprintf(sb, "    metadata: match=%s write=%s\n", cHex(m.metadataMatch), cHex(m.metadataWrite))
	}
	if m.maxEntries != 0 {
		fmt.Fprintf(sb, "    max_entries=%d\n", m.maxEntries)
	}
	var prevNonmiss, prevMiss *tfInstructions
	if prev != nil {
		prevNonmiss, prevMiss = &prev.nonmiss, &prev.miss
	}
	switch {
	case prev != nil && m.nonmiss == prev.nonmiss && m.miss == prev.miss:
		if !m.nonmiss.empty() {
			sb.WriteString("    (same instructions)\n")
		}
	case m.nonmiss != m.miss:
		sb.WriteString("    instructions (other than table miss):\n")
		m.nonmiss.format(sb, prevNonmiss)
		sb.WriteString("    instructions (table miss):\n")
		m.miss.format(sb, prevMiss)
	case !m.nonmiss.empty():
		sb.WriteString("    instructions (table miss and others):\n")
		m.nonmiss.format(sb, prevNonmiss)
	}
	if m.match == 0 {
		return
	}
	if prev != nil && m.match == prev.match && m.mask == prev.mask && m.wildcard == prev.wildcard {
		sb.WriteString("    (same matching)\n")
		return
	}
	sb.WriteString("    matching:\n")
	for _, c := range [...]struct {
		label string
		set   fieldSet
	}{
		{"arbitrary mask", m.match & m.mask},
		{"exact match or wildcard", m.match & m.wildcard &^ m.mask},
		{"must exact match", m.match &^ m.wildcard &^ m.mask},
	} {
		if c.set != 0 {
			fmt.Fprintf(sb, "      %s: %s\n", c.label, c.set)
		}
	}
}

// cHex prints as C's %#x: "0" for zero, else with 0x.
func cHex(v uint64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%#x", v)
}

package ofp

// OFPMP_TABLE_FEATURES (spec 1.3.5 §7.3.5.5): struct ofp_table_features and
// its properties (ofp_table_feature_prop_*). A request with entries sets
// the tables' features; an empty request only asks for them. Property
// errors are OFPET_TABLE_FEATURES_FAILED (§7.4.4: OFPTFFC_BAD_TYPE for an
// unknown property, OFPTFFC_BAD_LEN for a length problem in one).

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

const (
	tableFeaturesLen  = 64 // without properties
	tableNameLen      = 32 // OFP_MAX_TABLE_NAME_LEN
	tableFeatPropHdr  = 4
	experimenterIDLen = 8 // type, len, experimenter id of an experimenter action/instruction id
)

// TableFeaturePropType is ofp_table_feature_prop_type.
type TableFeaturePropType uint16

// Table feature property types (OFPTFPT_*).
const (
	TFPInstructions      TableFeaturePropType = 0
	TFPInstructionsMiss  TableFeaturePropType = 1
	TFPNextTables        TableFeaturePropType = 2
	TFPNextTablesMiss    TableFeaturePropType = 3
	TFPWriteActions      TableFeaturePropType = 4
	TFPWriteActionsMiss  TableFeaturePropType = 5
	TFPApplyActions      TableFeaturePropType = 6
	TFPApplyActionsMiss  TableFeaturePropType = 7
	TFPMatch             TableFeaturePropType = 8
	TFPWildcards         TableFeaturePropType = 10
	TFPWriteSetfield     TableFeaturePropType = 12
	TFPWriteSetfieldMiss TableFeaturePropType = 13
	TFPApplySetfield     TableFeaturePropType = 14
	TFPApplySetfieldMiss TableFeaturePropType = 15
	TFPExperimenter      TableFeaturePropType = 0xfffe
	TFPExperimenterMiss  TableFeaturePropType = 0xffff
)

// propKind says which field of TableFeatureProp a property type uses.
type propKind int

const (
	kindInstructions propKind = iota
	kindNextTables
	kindActions
	kindOXMs
	kindExperimenter
)

var tableFeaturePropInfo = map[TableFeaturePropType]struct {
	name string
	kind propKind
}{
	TFPInstructions: {"instructions", kindInstructions}, TFPInstructionsMiss: {"instructions_miss", kindInstructions},
	TFPNextTables: {"next_tables", kindNextTables}, TFPNextTablesMiss: {"next_tables_miss", kindNextTables},
	TFPWriteActions: {"write_actions", kindActions}, TFPWriteActionsMiss: {"write_actions_miss", kindActions},
	TFPApplyActions: {"apply_actions", kindActions}, TFPApplyActionsMiss: {"apply_actions_miss", kindActions},
	TFPMatch: {"match", kindOXMs}, TFPWildcards: {"wildcards", kindOXMs},
	TFPWriteSetfield: {"write_setfield", kindOXMs}, TFPWriteSetfieldMiss: {"write_setfield_miss", kindOXMs},
	TFPApplySetfield: {"apply_setfield", kindOXMs}, TFPApplySetfieldMiss: {"apply_setfield_miss", kindOXMs},
	TFPExperimenter: {"experimenter", kindExperimenter}, TFPExperimenterMiss: {"experimenter_miss", kindExperimenter},
}

// String is the property's name without the OFPTFPT_ prefix, lower case.
func (t TableFeaturePropType) String() string {
	if i, ok := tableFeaturePropInfo[t]; ok {
		return i.name
	}
	return fmt.Sprintf("prop%d", uint16(t))
}

// MarshalText gives the JSON form its name ("write_actions_miss").
func (t TableFeaturePropType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// TableIDs is a list of table ids; its JSON form is an array of numbers
// (a []byte would be base64).
type TableIDs []uint8

// MarshalJSON writes the ids as numbers.
func (ids TableIDs) MarshalJSON() ([]byte, error) {
	if ids == nil {
		return []byte("null"), nil
	}
	b := []byte{'['}
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(id), 10)
	}
	return append(b, ']'), nil
}

// InstructionID names an instruction type in a table feature property.
// Experimenter (OFPIT_EXPERIMENTER) ids also carry the experimenter.
type InstructionID struct {
	Type         uint16 `json:"type"`
	Experimenter uint32 `json:"experimenter,omitempty"`
}

// ActionID names an action type in a table feature property.
type ActionID struct {
	Type         uint16 `json:"type"`
	Experimenter uint32 `json:"experimenter,omitempty"`
}

// OXMID names a match field: an OXM header (class, field, hasmask,
// length). Fields of the experimenter class (0xffff) carry the
// experimenter id too.
type OXMID struct {
	Header       uint32 `json:"header"`
	Experimenter uint32 `json:"experimenter,omitempty"`
}

const oxmClassExperimenter = uint32(OXMClassExperimenter)

// TableFeatureProp is one property. Type says which of the other fields
// is used: Instructions, NextTables, Actions, OXMs, or the experimenter
// fields.
type TableFeatureProp struct {
	Type         TableFeaturePropType `json:"type"`
	Instructions []InstructionID      `json:"instruction_ids,omitempty"`
	NextTables   TableIDs             `json:"next_table_ids,omitempty"`
	Actions      []ActionID           `json:"action_ids,omitempty"`
	OXMs         []OXMID              `json:"oxm_ids,omitempty"`
	Experimenter uint32               `json:"experimenter,omitempty"`
	ExpType      uint32               `json:"exp_type,omitempty"`
	Data         []byte               `json:"data,omitempty"`
}

// TableFeatures is ofp_table_features.
type TableFeatures struct {
	TableID       uint8              `json:"table_id"`
	Name          string             `json:"name"`
	MetadataMatch uint64             `json:"metadata_match"`
	MetadataWrite uint64             `json:"metadata_write"`
	Config        uint32             `json:"config"`
	MaxEntries    uint32             `json:"max_entries"`
	Properties    []TableFeatureProp `json:"properties,omitempty"`
}

// TableFeaturesRequest is the body of an OFPMP_TABLE_FEATURES request:
// empty to ask, or the features to set.
type TableFeaturesRequest struct {
	Tables []TableFeatures `json:"tables,omitempty"`
}

// TableFeaturesReply is the body of an OFPMP_TABLE_FEATURES reply.
type TableFeaturesReply struct {
	Tables []TableFeatures `json:"tables"`
}

func (r *TableFeaturesRequest) numEntries() int { return len(r.Tables) }
func (r *TableFeaturesReply) numEntries() int   { return len(r.Tables) }
func (r *TableFeaturesRequest) appendEntry(b []byte, i int) ([]byte, error) {
	return r.Tables[i].appendTo(b)
}
func (r *TableFeaturesReply) appendEntry(b []byte, i int) ([]byte, error) {
	return r.Tables[i].appendTo(b)
}
func (r *TableFeaturesRequest) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }
func (r *TableFeaturesReply) appendMP(b []byte) ([]byte, error)   { return appendAll(b, r) }
func (r *TableFeaturesRequest) unmarshalMP(b []byte) (err error) {
	r.Tables, err = decodeTableFeaturesList(b)
	return err
}
func (r *TableFeaturesReply) unmarshalMP(b []byte) (err error) {
	r.Tables, err = decodeTableFeaturesList(b)
	return err
}
func (r *TableFeaturesRequest) formatMP() string { return formatTableFeatures(r.Tables) }
func (r *TableFeaturesReply) formatMP() string   { return formatTableFeatures(r.Tables) }

func (t *TableFeatures) appendTo(b []byte) ([]byte, error) {
	if len(t.Name) >= tableNameLen {
		return b, fmt.Errorf("table features: name %q longer than %d bytes", t.Name, tableNameLen-1)
	}
	start := len(b)
	b = append(b, 0, 0, t.TableID) // length patched below
	b = appendZeros(b, 5)
	b = appendName(b, t.Name, tableNameLen)
	b = binary.BigEndian.AppendUint64(b, t.MetadataMatch)
	b = binary.BigEndian.AppendUint64(b, t.MetadataWrite)
	b = binary.BigEndian.AppendUint32(b, t.Config)
	b = binary.BigEndian.AppendUint32(b, t.MaxEntries)
	for i := range t.Properties {
		var err error
		if b, err = t.Properties[i].appendTo(b); err != nil {
			return b[:start], err
		}
	}
	return putLen16(b, start, 0, "table features")
}

func (p *TableFeatureProp) appendTo(b []byte) ([]byte, error) {
	info, ok := tableFeaturePropInfo[p.Type]
	if !ok {
		return b, fmt.Errorf("table features: unknown property type %d", p.Type)
	}
	start := len(b)
	b = binary.BigEndian.AppendUint16(b, uint16(p.Type))
	b = append(b, 0, 0) // length patched below
	switch info.kind {
	case kindInstructions:
		for _, id := range p.Instructions {
			b = appendTypeID(b, id.Type, id.Experimenter, id.Type == 0xffff)
		}
	case kindActions:
		for _, id := range p.Actions {
			b = appendTypeID(b, id.Type, id.Experimenter, id.Type == 0xffff)
		}
	case kindNextTables:
		b = append(b, p.NextTables...)
	case kindOXMs:
		for _, id := range p.OXMs {
			b = binary.BigEndian.AppendUint32(b, id.Header)
			if id.Header>>16 == oxmClassExperimenter {
				b = binary.BigEndian.AppendUint32(b, id.Experimenter)
			}
		}
	case kindExperimenter:
		b = binary.BigEndian.AppendUint32(b, p.Experimenter)
		b = binary.BigEndian.AppendUint32(b, p.ExpType)
		b = append(b, p.Data...)
	}
	n := len(b) - start
	b, err := putLen16(b, start, 2, "table feature property")
	if err != nil {
		return b, err
	}
	return appendPad8(b, n), nil
}

// appendTypeID appends an instruction or action id: type and length, and
// the experimenter id for experimenter types.
func appendTypeID(b []byte, typ uint16, exp uint32, isExp bool) []byte {
	b = binary.BigEndian.AppendUint16(b, typ)
	if !isExp {
		return binary.BigEndian.AppendUint16(b, 4)
	}
	b = binary.BigEndian.AppendUint16(b, experimenterIDLen)
	return binary.BigEndian.AppendUint32(b, exp)
}

func decodeTableFeaturesList(b []byte) ([]TableFeatures, error) {
	var tables []TableFeatures
	err := decodeEntries(b, "table features", 0, tableFeaturesLen, func(e []byte) error {
		if e[2] == tableAll {
			// OFPTT_ALL names no table (spec 1.3.5 §7.3.5.5.1).
			return errf(ETTableFeaturesFail, TFFCBadTable, "table features: table id 0xff")
		}
		t := TableFeatures{
			TableID:       e[2],
			Name:          decodeName(e[8 : 8+tableNameLen]),
			MetadataMatch: binary.BigEndian.Uint64(e[40:48]),
			MetadataWrite: binary.BigEndian.Uint64(e[48:56]),
			Config:        binary.BigEndian.Uint32(e[56:60]),
			MaxEntries:    binary.BigEndian.Uint32(e[60:64]),
		}
		for p := e[tableFeaturesLen:]; len(p) > 0; {
			prop, n, err := decodeTableFeatureProp(p)
			if err != nil {
				return err
			}
			t.Properties = append(t.Properties, prop)
			p = p[n:]
		}
		tables = append(tables, t)
		return nil
	})
	return tables, err
}

func tffLen(format string, args ...any) *Error {
	return errf(ETTableFeaturesFail, TFFCBadLen, format, args...)
}

// decodeTableFeatureProp decodes the property at the start of b and
// returns how many bytes it used with its padding.
func decodeTableFeatureProp(b []byte) (TableFeatureProp, int, error) {
	if len(b) < tableFeatPropHdr {
		return TableFeatureProp{}, 0, tffLen("table features: %d trailing bytes, too short for a property", len(b))
	}
	p := TableFeatureProp{Type: TableFeaturePropType(binary.BigEndian.Uint16(b[0:2]))}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n < tableFeatPropHdr || n > len(b) {
		return p, 0, tffLen("table features: property %s length %d, %d bytes left", p.Type, n, len(b))
	}
	// The last property's padding may be cut short by the entry's end.
	used := min(n+pad8(n), len(b))
	body := b[tableFeatPropHdr:n]
	info, ok := tableFeaturePropInfo[p.Type]
	if !ok {
		return p, 0, errf(ETTableFeaturesFail, TFFCBadType, "table features: unknown property type %d", p.Type)
	}
	switch info.kind {
	case kindInstructions, kindActions:
		for len(body) > 0 {
			typ, exp, idLen, err := decodeTypeID(body, p.Type)
			if err != nil {
				return p, 0, err
			}
			if info.kind == kindInstructions {
				p.Instructions = append(p.Instructions, InstructionID{typ, exp})
			} else {
				p.Actions = append(p.Actions, ActionID{typ, exp})
			}
			body = body[idLen:]
		}
	case kindNextTables:
		p.NextTables = TableIDs(cloneBytes(body))
	case kindOXMs:
		for len(body) > 0 {
			if len(body) < 4 {
				return p, 0, tffLen("table features: %s: %d bytes left, too short for an OXM id", p.Type, len(body))
			}
			id := OXMID{Header: binary.BigEndian.Uint32(body[0:4])}
			body = body[4:]
			if id.Header>>16 == oxmClassExperimenter {
				if len(body) < 4 {
					return p, 0, tffLen("table features: %s: experimenter OXM id without experimenter", p.Type)
				}
				id.Experimenter = binary.BigEndian.Uint32(body[0:4])
				body = body[4:]
			}
			p.OXMs = append(p.OXMs, id)
		}
	case kindExperimenter:
		if len(body) < 8 {
			return p, 0, tffLen("table features: %s property of %d bytes", p.Type, n)
		}
		p.Experimenter = binary.BigEndian.Uint32(body[0:4])
		p.ExpType = binary.BigEndian.Uint32(body[4:8])
		p.Data = cloneBytes(body[8:])
	}
	return p, used, nil
}

// decodeTypeID decodes one instruction or action id: 4 bytes, or 8 for
// an experimenter type (0xffff).
func decodeTypeID(b []byte, prop TableFeaturePropType) (typ uint16, exp uint32, n int, err error) {
	if len(b) < 4 {
		return 0, 0, 0, tffLen("table features: %s: %d bytes left, too short for an id", prop, len(b))
	}
	typ = binary.BigEndian.Uint16(b[0:2])
	n = int(binary.BigEndian.Uint16(b[2:4]))
	want := 4
	if typ == 0xffff {
		want = experimenterIDLen
	}
	if n != want || n > len(b) {
		return 0, 0, 0, tffLen("table features: %s: id of type %d has length %d, want %d (%d bytes left)", prop, typ, n, want, len(b))
	}
	if typ == 0xffff {
		exp = binary.BigEndian.Uint32(b[4:8])
	}
	return typ, exp, n, nil
}

package vsctl

// Naming rows on the command line as ovs-vsctl does (ovs-vsctl(8),
// "Database Commands"): a UUID or a unique prefix of one (at least four
// hex digits), "." for the only row of a table such as Open_vSwitch, @name
// for a row created earlier on the same line, or a name that the table's
// row-id rule resolves (a bridge by name, a controller by its bridge's
// name, ...).

import (
	"fmt"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// rowID says how a name finds a row: look up nameTable by its nameColumn;
// if refColumn is set, the row wanted is the one (and only one) that
// column of the found row references.
type rowID struct {
	nameTable, nameColumn, refColumn string
}

var rowIDs = map[string][]rowID{
	"Bridge":                    {{"Bridge", "name", ""}},
	"Port":                      {{"Port", "name", ""}},
	"Interface":                 {{"Interface", "name", ""}},
	"Controller":                {{"Bridge", "name", "controller"}},
	"Mirror":                    {{"Mirror", "name", ""}},
	"Manager":                   {{"Manager", "target", ""}},
	"NetFlow":                   {{"Bridge", "name", "netflow"}},
	"sFlow":                     {{"Bridge", "name", "sflow"}},
	"IPFIX":                     {{"Bridge", "name", "ipfix"}},
	"AutoAttach":                {{"Bridge", "name", "auto_attach"}},
	"QoS":                       {{"Port", "name", "qos"}},
	"Flow_Table":                {{"Flow_Table", "name", ""}},
	"Flow_Sample_Collector_Set": {{"Flow_Sample_Collector_Set", "id", ""}},
}

// getRow finds a record; it returns nil without error when mustExist is
// false and there is no such record.
func (c *cmdCtx) getRow(t *table, id string, mustExist bool) (*row, error) {
	rw, err := c.findRow(t, id)
	if err != nil {
		return nil, err
	}
	if rw == nil && mustExist {
		return nil, fmt.Errorf("no row \"%s\" in table %s", id, t.Name)
	}
	return rw, nil
}

func (c *cmdCtx) findRow(t *table, id string) (*row, error) {
	if strings.HasPrefix(id, "@") {
		if s := c.syms[id]; s != nil {
			return c.r.lookup(t, s.uuid), nil
		}
		return nil, nil
	}
	if id == "." {
		rows := c.r.list(t)
		if t.Name == "Open_vSwitch" && len(rows) == 0 {
			return c.ovs(), nil
		}
		if len(rows) == 1 {
			return rows[0], nil
		}
		if len(rows) > 1 {
			return nil, fmt.Errorf("table %s has more than one row, so \".\" is ambiguous", t.Name)
		}
		return nil, nil
	}
	if u, err := notation.ParseUUID(id); err == nil {
		return c.r.lookup(t, u), nil
	}
	for _, rid := range rowIDs[t.Name] {
		nt := c.table(rid.nameTable)
		if nt == nil {
			continue
		}
		col := nt.Columns[rid.nameColumn]
		if col == nil {
			continue
		}
		key, err := parseAtomString(id, &col.Type.Key, nil)
		if err != nil {
			continue
		}
		var found *row
		for _, rw := range c.r.list(nt) {
			d := rw.get(rid.nameColumn)
			if len(d.keys) == 1 && notation.CompareAtoms(d.keys[0], key) == 0 {
				if found != nil {
					return nil, fmt.Errorf("multiple rows in %s match \"%s\"", nt.Name, id)
				}
				found = rw
			}
		}
		if found == nil {
			continue
		}
		if rid.refColumn == "" {
			return found, nil
		}
		refs := c.refs(found, rid.refColumn, t.Name)
		if len(refs) == 1 {
			return refs[0], nil
		}
	}
	// A UUID prefix of at least 4 hex digits.
	if len(id) >= 4 && isHexPrefix(id) {
		var match *row
		for _, rw := range c.r.list(t) {
			if strings.HasPrefix(string(rw.uuid), strings.ToLower(id)) {
				if match != nil {
					return nil, fmt.Errorf("multiple rows in %s match \"%s\"", t.Name, id)
				}
				match = rw
			}
		}
		return match, nil
	}
	return nil, nil
}

func isHexPrefix(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return false
		}
	}
	return true
}

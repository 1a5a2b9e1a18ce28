package vsctl

// show: the tree ovs-vsctl prints, from the Open_vSwitch row down through
// managers, bridges, controllers, ports and interfaces. A row is printed as
// "Table name" (or its UUID), then each listed column that is not at its
// default; reference columns to tables of the tree recurse one level
// deeper. As in ovs-vsctl, a table does not recurse into itself.

import (
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

type showTable struct {
	table, nameColumn string
	columns           []string
}

var showTables = []showTable{
	{"Open_vSwitch", "", []string{"manager_options", "bridges", "ovs_version"}},
	{"Bridge", "name", []string{"controller", "fail_mode", "datapath_type", "ports"}},
	{"Port", "name", []string{"tag", "trunks", "interfaces"}},
	{"Interface", "name", []string{"type", "options", "error"}},
	{"Controller", "target", []string{"is_connected"}},
	{"Manager", "target", []string{"is_connected"}},
}

func findShowTable(name string) *showTable {
	for i := range showTables {
		if showTables[i].table == name {
			return &showTables[i]
		}
	}
	return nil
}

func cmdShow(c *cmdCtx) error {
	c.ovs()
	for _, rw := range c.r.list(c.table("Open_vSwitch")) {
		c.showRow(rw, 0, map[string]bool{})
	}
	return nil
}

func (c *cmdCtx) showRow(rw *row, level int, shown map[string]bool) {
	st := findShowTable(rw.t.Name)
	indent := strings.Repeat(" ", level*4)
	if st != nil && st.nameColumn != "" {
		col := rw.t.Columns[st.nameColumn]
		c.printf("%s%s %s\n", indent, rw.t.Name, rw.get(st.nameColumn).String(&col.Type))
	} else {
		c.printf("%s%s\n", indent, rw.uuid)
	}
	if st == nil || shown[st.table] {
		return
	}
	shown[st.table] = true
	defer delete(shown, st.table)
	for _, cn := range st.columns {
		col := rw.t.Columns[cn]
		if col == nil {
			continue // an older schema without this column
		}
		d := rw.get(cn)
		if ref := col.Type.Key.RefTable; col.Type.Key.Type == "uuid" && ref != "" && findShowTable(ref) != nil {
			rt := c.table(ref)
			for _, k := range d.keys {
				if u, ok := k.(notation.UUID); ok {
					if r := c.r.lookup(rt, u); r != nil {
						c.showRow(r, level+1, shown)
					}
				}
			}
			continue
		}
		if !d.equal(defaultDatum(&col.Type)) {
			c.printf("%s    %s: %s\n", indent, cn, d.String(&col.Type))
		}
	}
}

package vsctl

// What a command sees while it runs: the replica, its own invocation, the
// symbols (@name) shared by all commands of the line, and its output.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

type symbol struct {
	uuid       notation.UUID
	created    bool // bound by --id=@name on create or get
	referenced bool
	strong     bool // the row it names is referenced (so not garbage)
}

type cmdCtx struct {
	r    *replica
	opts *options
	inv  *invocation
	syms map[string]*symbol
	out  strings.Builder
	// exit is a non-zero exit status the command asks for (br-exists).
	exit int
	// unsatisfied is set by wait-until when its condition does not hold.
	unsatisfied bool
	// warnings go to stderr even when the transaction commits.
	warnings []string
}

func (c *cmdCtx) printf(format string, args ...any) { fmt.Fprintf(&c.out, format, args...) }

// symbol implements symbols: @name resolves to the row created (or found)
// under that name; a name used before its definition gets a UUID now, and
// the create that defines it takes that UUID.
func (c *cmdCtx) symbol(name string) (notation.UUID, error) {
	s := c.syms[name]
	if s == nil {
		s = &symbol{uuid: notation.NewUUID()}
		c.syms[name] = s
	}
	s.referenced = true
	return s.uuid, nil
}

// defineSymbol binds --id=@name to a row, failing if it is bound already.
func (c *cmdCtx) defineSymbol(name string) (*symbol, error) {
	s := c.syms[name]
	if s == nil {
		s = &symbol{uuid: notation.NewUUID()}
		c.syms[name] = s
	}
	if s.created {
		return nil, fmt.Errorf("row id \"%s\" may only be specified on one --id option", name)
	}
	s.created = true
	return s, nil
}

// ovs returns the Open_vSwitch row; the run creates one if the database
// has none, as ovs-vsctl does.
func (c *cmdCtx) ovs() *row {
	t := c.r.sch.Tables["Open_vSwitch"]
	rows := c.r.list(t)
	if len(rows) == 0 {
		return c.r.insert(t, "")
	}
	return rows[0]
}

func (c *cmdCtx) table(name string) *table { return c.r.sch.Tables[name] }

// refs returns the rows of table refTable that column col of rw points to,
// in the column's (UUID) order.
func (c *cmdCtx) refs(rw *row, col, refTable string) []*row {
	var out []*row
	t := c.table(refTable)
	for _, k := range rw.get(col).keys {
		if u, ok := k.(notation.UUID); ok {
			if ref := c.r.lookup(t, u); ref != nil {
				out = append(out, ref)
			}
		}
	}
	return out
}

// addRef and delRef change a set-of-uuid column.
func (c *cmdCtx) addRef(rw *row, col string, u notation.UUID) {
	d := rw.get(col).clone()
	// The default of a set that must not be empty (Port.interfaces) is
	// the all-zero UUID, which no row has: drop it.
	if i := d.find(notation.ZeroUUID); i >= 0 {
		d.keys = append(d.keys[:i], d.keys[i+1:]...)
	}
	// Insert in place: keeps a 10,000-port bridge cheap to grow.
	i, found := slices.BinarySearchFunc(d.keys, any(u), notation.CompareAtoms)
	if !found {
		d.keys = slices.Insert(d.keys, i, any(u))
	}
	c.r.set(rw, col, d)
}

func (c *cmdCtx) delRef(rw *row, col string, u notation.UUID) {
	d := rw.get(col).clone()
	if i := d.find(u); i >= 0 {
		d.keys = append(d.keys[:i], d.keys[i+1:]...)
	}
	c.r.set(rw, col, d)
}

func (c *cmdCtx) setString(rw *row, col, v string) {
	c.r.set(rw, col, datum{keys: []any{v}})
}

// newRow inserts a row and fills string columns.
func (c *cmdCtx) newRow(tableName string, strs map[string]string) *row {
	rw := c.r.insert(c.table(tableName), "")
	for k, v := range strs {
		c.setString(rw, k, v)
	}
	return rw
}

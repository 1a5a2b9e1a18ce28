package vsctl

// The generic database commands of ovs-vsctl(8): list, find, get, set,
// add, remove, clear, create, destroy, wait-until.

import (
	"fmt"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// colArg is a parsed COLUMN[:KEY][OP VALUE] argument.
type colArg struct {
	col    *column
	key    string // the key token, unquoted
	hasKey bool
	op     string
	value  string
}

// findOps in the order ovs-vsctl lists them; matchOp tries longer ones
// first, so that "<=" is not read as "<" followed by "=value".
var findOps = []string{"=", "!=", "<", ">", "<=", ">=", "{=}", "{!=}", "{<}", "{>}", "{<=}", "{>=}", "{in}", "{not-in}"}

// parseColArg parses COLUMN[:KEY] followed, when ops is not nil, by one of
// ops and a value (ovs-vsctl's parse_column_key_value).
func parseColArg(t *table, arg string, ops []string) (*colArg, error) {
	name, rest, err := token(arg)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, fmt.Errorf("%s: missing column name", arg)
	}
	col, err := lookupColumn(t, name)
	if err != nil {
		return nil, err
	}
	a := &colArg{col: col}
	if strings.HasPrefix(rest, ":") {
		a.key, rest, err = token(rest[1:])
		if err != nil {
			return nil, err
		}
		a.hasKey = true
		if !col.Type.IsMap() {
			return nil, fmt.Errorf("cannot specify key to get for non-map column %s", col.Name)
		}
	}
	if ops == nil {
		if rest != "" {
			return nil, fmt.Errorf("%s: trailing garbage \"%s\" in argument", arg, rest)
		}
		return a, nil
	}
	best := ""
	for _, op := range ops {
		if strings.HasPrefix(rest, op) && len(op) > len(best) {
			best = op
		}
	}
	if best != "" {
		a.op, a.value = best, rest[len(best):]
		return a, nil
	}
	quoted := make([]string, len(ops))
	for i, op := range ops {
		quoted[i] = `"` + op + `"`
	}
	list := quoted[0]
	if len(quoted) > 1 {
		list = strings.Join(quoted[:len(quoted)-1], ", ") + ", or " + quoted[len(quoted)-1]
	}
	return nil, fmt.Errorf("%s: argument does not end in %s followed by a value.", arg, list)
}

// setColumn applies COLUMN[:KEY]=VALUE to a row.
func (c *cmdCtx) setColumn(rw *row, arg string) error {
	a, err := parseColArg(rw.t, arg, []string{"="})
	if err != nil {
		return err
	}
	if a.col == uuidColumn {
		return fmt.Errorf("cannot modify the _uuid column")
	}
	t := &a.col.Type
	if a.hasKey {
		k, err := parseAtom(a.key, &t.Key, c)
		if err != nil {
			return err
		}
		v, err := parseAtomString(a.value, t.Value, c)
		if err != nil {
			return err
		}
		d := rw.get(a.col.Name).clone()
		d.keys = append(d.keys, k)
		d.vals = append(d.vals, v)
		d.sort()
		c.r.set(rw, a.col.Name, d)
		return nil
	}
	d, err := parseDatum(a.value, t, c, false)
	if err != nil {
		return err
	}
	c.r.set(rw, a.col.Name, d)
	return nil
}

// rowsArg resolves the TABLE RECORD arguments of get/set/add/...; it
// returns nil, nil when the record does not exist and --if-exists is given.
func (c *cmdCtx) tableRecord() (*table, *row, error) {
	t, err := c.r.sch.lookupTable(c.inv.args[0])
	if err != nil {
		return nil, nil, err
	}
	rw, err := c.getRow(t, c.inv.args[1], !c.inv.has("--if-exists"))
	return t, rw, err
}

func (c *cmdCtx) columnsFor(t *table) ([]*column, error) {
	spec, ok := c.inv.opts["--columns"]
	if !ok {
		cols := []*column{uuidColumn}
		for _, n := range t.ColumnNames() {
			cols = append(cols, t.Columns[n])
		}
		return cols, nil
	}
	var cols []*column
	for _, n := range strings.Split(spec, ",") {
		col, err := lookupColumn(t, strings.TrimSpace(n))
		if err != nil {
			return nil, err
		}
		cols = append(cols, col)
	}
	return cols, nil
}

func (c *cmdCtx) printRows(t *table, rows []*row) error {
	cols, err := c.columnsFor(t)
	if err != nil {
		return err
	}
	headings := make([]string, len(cols))
	types := make([]*colType, len(cols))
	for i, col := range cols {
		headings[i], types[i] = col.Name, &col.Type
	}
	data := make([][]datum, len(rows))
	for i, rw := range rows {
		data[i] = make([]datum, len(cols))
		for j, col := range cols {
			data[i][j] = rw.get(col.Name)
		}
	}
	c.opts.printTable(&c.out, headings, data, types)
	return nil
}

func cmdList(c *cmdCtx) error {
	t, err := c.r.sch.lookupTable(c.inv.args[0])
	if err != nil {
		return err
	}
	var rows []*row
	if len(c.inv.args) == 1 {
		rows = c.r.list(t)
	} else {
		for _, id := range c.inv.args[1:] {
			rw, err := c.getRow(t, id, !c.inv.has("--if-exists"))
			if err != nil {
				return err
			}
			if rw != nil {
				rows = append(rows, rw)
			}
		}
	}
	return c.printRows(t, rows)
}

func cmdGet(c *cmdCtx) error {
	t, rw, err := c.tableRecord()
	if rw == nil {
		return err
	}
	if id, ok := c.inv.opts["--id"]; ok {
		s, err := c.defineSymbol(id)
		if err != nil {
			return err
		}
		if s.referenced {
			return fmt.Errorf("row id \"%s\" is referenced before --id on get", id)
		}
		s.uuid = rw.uuid
		s.strong = true
	}
	for _, arg := range c.inv.args[2:] {
		a, err := parseColArg(t, arg, nil)
		if err != nil {
			return err
		}
		d := rw.get(a.col.Name)
		if a.hasKey {
			k, err := parseAtom(a.key, &a.col.Type.Key, c)
			if err != nil {
				return err
			}
			i := d.find(k)
			if i < 0 {
				if c.inv.has("--if-exists") {
					continue
				}
				return fmt.Errorf("no key \"%s\" in %s record \"%s\" column %s", a.key, t.Name, c.inv.args[1], a.col.Name)
			}
			c.printf("%s\n", c.opts.cell(datum{keys: []any{d.vals[i]}}, &colType{Key: *a.col.Type.Value, Min: 1, Max: 1}))
			continue
		}
		c.printf("%s\n", c.opts.cell(d, &a.col.Type))
	}
	return nil
}

func cmdSet(c *cmdCtx) error {
	_, rw, err := c.tableRecord()
	if rw == nil {
		return err
	}
	for _, arg := range c.inv.args[2:] {
		if err := c.setColumn(rw, arg); err != nil {
			return err
		}
	}
	return nil
}

// looseType is the column's type without count limits: add and remove
// arguments are parts of a value.
func looseType(t *colType) *colType {
	l := *t
	l.Min, l.Max = 0, int(^uint(0)>>1)
	return &l
}

func cmdAdd(c *cmdCtx) error {
	t, rw, err := c.tableRecord()
	if rw == nil {
		return err
	}
	col, err := lookupColumn(t, c.inv.args[2])
	if err != nil {
		return err
	}
	ct := &col.Type
	d := rw.get(col.Name).clone()
	for _, arg := range c.inv.args[3:] {
		add, err := parseDatum(arg, looseType(ct), c, true)
		if err != nil {
			return err
		}
		prev := datum{keys: d.keys[:len(d.keys):len(d.keys)]}
		for i, k := range add.keys {
			if prev.find(k) >= 0 {
				continue // add never replaces a map value or duplicates
			}
			d.keys = append(d.keys, k)
			if ct.IsMap() {
				d.vals = append(d.vals, add.vals[i])
			}
		}
		d.sort()
	}
	if len(d.keys) > ct.Max {
		return fmt.Errorf("\"add\" operation would put %d %s in column %s of table %s but the maximum number is %d",
			len(d.keys), plural(ct), col.Name, t.Name, ct.Max)
	}
	c.r.set(rw, col.Name, d)
	return nil
}

func plural(t *colType) string {
	if t.IsMap() {
		return "key-value pairs"
	}
	return "values"
}

func cmdRemove(c *cmdCtx) error {
	t, rw, err := c.tableRecord()
	if rw == nil {
		return err
	}
	col, err := lookupColumn(t, c.inv.args[2])
	if err != nil {
		return err
	}
	ct := &col.Type
	d := rw.get(col.Name).clone()
	for _, arg := range c.inv.args[3:] {
		rm, err := parseDatum(arg, looseType(ct), c, true)
		byKey := false
		if err != nil && ct.IsMap() {
			// A map also takes bare keys: remove whatever value they have.
			keyType := &colType{Key: ct.Key, Min: 0, Max: int(^uint(0) >> 1)}
			var err2 error
			if rm, err2 = parseDatum(arg, keyType, c, true); err2 == nil {
				err, byKey = nil, true
			}
		}
		if err != nil {
			return err
		}
		for i, k := range rm.keys {
			j := d.find(k)
			if j < 0 {
				continue
			}
			if ct.IsMap() && !byKey && notation.CompareAtoms(d.vals[j], rm.vals[i]) != 0 {
				continue
			}
			d.keys = append(d.keys[:j], d.keys[j+1:]...)
			if d.vals != nil {
				d.vals = append(d.vals[:j], d.vals[j+1:]...)
			}
		}
	}
	if len(d.keys) < ct.Min {
		return fmt.Errorf("\"remove\" operation would put %d %s in column %s of table %s but the minimum number is %d",
			len(d.keys), plural(ct), col.Name, t.Name, ct.Min)
	}
	c.r.set(rw, col.Name, d)
	return nil
}

func cmdClear(c *cmdCtx) error {
	t, rw, err := c.tableRecord()
	if rw == nil {
		return err
	}
	for _, name := range c.inv.args[2:] {
		col, err := lookupColumn(t, name)
		if err != nil {
			return err
		}
		if col.Type.Min > 0 {
			return fmt.Errorf("\"clear\" operation cannot be applied to column %s of table %s, which is not allowed to be empty", col.Name, t.Name)
		}
		c.r.set(rw, col.Name, defaultDatum(&col.Type))
	}
	return nil
}

func cmdCreate(c *cmdCtx) error {
	t, err := c.r.sch.lookupTable(c.inv.args[0])
	if err != nil {
		return err
	}
	var u notation.UUID
	if id, ok := c.inv.opts["--id"]; ok {
		s, err := c.defineSymbol(id)
		if err != nil {
			return err
		}
		u = s.uuid
	} else if !t.IsRoot {
		c.warnings = append(c.warnings, fmt.Sprintf("applying \"create\" command to table %s without --id option will have no effect", t.Name))
	}
	rw := c.r.insert(t, u)
	for _, arg := range c.inv.args[1:] {
		if err := c.setColumn(rw, arg); err != nil {
			return err
		}
	}
	c.printf("%s\n", rw.uuid)
	return nil
}

func cmdDestroy(c *cmdCtx) error {
	t, err := c.r.sch.lookupTable(c.inv.args[0])
	if err != nil {
		return err
	}
	if c.inv.has("--all") {
		if len(c.inv.args) > 1 {
			return fmt.Errorf("--all and records argument should not be specified together")
		}
		for _, rw := range c.r.list(t) {
			c.r.delete(rw)
		}
		return nil
	}
	if len(c.inv.args) == 1 {
		return fmt.Errorf("either --all or records argument should be specified")
	}
	for _, id := range c.inv.args[1:] {
		rw, err := c.getRow(t, id, !c.inv.has("--if-exists"))
		if err != nil {
			return err
		}
		if rw != nil {
			c.r.delete(rw)
		}
	}
	return nil
}

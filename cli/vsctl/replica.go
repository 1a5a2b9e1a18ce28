package vsctl

// The replica: a copy of the database read in one transaction, changed in
// memory by the commands, and turned back into one transaction of inserts,
// updates and deletes at the end (RFC 7047 §5.2).

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/client"
	"github.com/xvs-switch/xvs/ovsdb/notation"
)

const dbName = "Open_vSwitch"

type row struct {
	t       *table
	uuid    notation.UUID
	cols    map[string]datum
	isNew   bool
	deleted bool
	changed map[string]bool
	// orig holds the values, as read, of the columns the commands changed:
	// the transaction checks they are still so (see operations).
	orig  map[string]datum
	order int // position in the replica's creation order
}

func (r *row) get(col string) datum {
	if col == "_uuid" {
		return datum{keys: []any{r.uuid}}
	}
	if d, ok := r.cols[col]; ok {
		return d
	}
	return defaultDatum(&r.t.Columns[col].Type)
}

// getString returns a string column's single value, or "".
func (r *row) getString(col string) string {
	d := r.get(col)
	if len(d.keys) > 0 {
		if s, ok := d.keys[0].(string); ok {
			return s
		}
	}
	return ""
}

type replica struct {
	sch  *dbSchema
	rows map[string]map[notation.UUID]*row // by table name
	all  []*row                            // every row, in load then creation order
	// cache is the bridge cache (cache.go); nil when it must be rebuilt.
	cache *bridgeCache
	// loaded lists the columns read of the tables read partly; a table
	// absent from it was read whole (or not at all).
	loaded map[string]map[string]bool
}

// load reads the tables (and columns) the commands need in one
// transaction, so that the commands see one consistent snapshot. need maps
// table name to columns, nil meaning all of them.
func load(ctx context.Context, c *client.Client, sch *dbSchema, need map[string][]string) (*replica, error) {
	r := &replica{sch: sch, rows: map[string]map[notation.UUID]*row{}, loaded: map[string]map[string]bool{}}
	var names []string
	var ops []any
	for _, tn := range sch.Names {
		r.rows[tn] = map[notation.UUID]*row{}
		cols, ok := need[tn]
		if !ok {
			continue
		}
		op := map[string]any{"op": "select", "table": tn, "where": []any{}}
		if cols != nil {
			op["columns"] = append([]string{"_uuid"}, cols...)
			r.loaded[tn] = map[string]bool{}
			for _, cn := range cols {
				r.loaded[tn][cn] = true
			}
		}
		names = append(names, tn)
		ops = append(ops, op)
	}
	// One decode of the whole answer: a 10,000-port database is large, and
	// decoding each value from its own raw message doubles the cost.
	var raw json.RawMessage
	if err := c.Call(ctx, "transact", append([]any{dbName}, ops...), &raw); err != nil {
		return nil, err
	}
	var results []any
	if err := notation.Unmarshal(raw, &results); err != nil {
		return nil, fmt.Errorf("reading the database: %w", err)
	}
	if len(results) < len(ops) {
		return nil, fmt.Errorf("reading the database: %d results for %d selects", len(results), len(ops))
	}
	for i, tn := range names {
		t := sch.Tables[tn]
		res, _ := results[i].(map[string]any)
		if e, ok := res["error"]; ok {
			return nil, fmt.Errorf("reading table %s: %v: %v", tn, e, res["details"])
		}
		rows, _ := res["rows"].([]any)
		for _, jr := range rows {
			obj, ok := jr.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("table %s: row is not an object", tn)
			}
			rw := &row{t: t, cols: map[string]datum{}, changed: map[string]bool{}}
			for cn, jv := range obj {
				val, err := notation.ValueFromJSON(jv)
				if err != nil {
					return nil, fmt.Errorf("table %s: column %s: %w", tn, cn, err)
				}
				if cn == "_uuid" {
					u, ok := val.(notation.UUID)
					if !ok {
						return nil, fmt.Errorf("table %s: bad _uuid %v", tn, val)
					}
					rw.uuid = u
					continue
				}
				col, ok := t.Columns[cn]
				if !ok {
					continue // _version and columns the schema does not know
				}
				rw.cols[cn] = toDatum(val, &col.Type)
			}
			r.add(rw)
		}
	}
	return r, nil
}

// isLoaded says whether the replica read column col of table t.
func (r *replica) isLoaded(t *table, col string) bool {
	m := r.loaded[t.Name]
	return m == nil || m[col]
}

func (r *replica) add(rw *row) {
	rw.order = len(r.all)
	r.all = append(r.all, rw)
	r.rows[rw.t.Name][rw.uuid] = rw
}

// list returns the live rows of a table in a stable order.
func (r *replica) list(t *table) []*row {
	var out []*row
	for _, rw := range r.rows[t.Name] {
		if !rw.deleted {
			out = append(out, rw)
		}
	}
	slices.SortFunc(out, func(a, b *row) int { return a.order - b.order })
	return out
}

func (r *replica) lookup(t *table, u notation.UUID) *row {
	rw := r.rows[t.Name][u]
	if rw == nil || rw.deleted {
		return nil
	}
	return rw
}

// insert creates a row with default values. uuid may be preset (a symbol
// referenced before its create).
func (r *replica) insert(t *table, u notation.UUID) *row {
	if u == "" {
		u = notation.NewUUID()
	}
	rw := &row{t: t, uuid: u, cols: map[string]datum{}, changed: map[string]bool{}, isNew: true}
	r.add(rw)
	return rw
}

func (r *replica) set(rw *row, col string, d datum) {
	if !rw.isNew && !rw.changed[col] && r.isLoaded(rw.t, col) && d.equal(rw.get(col)) {
		// Writing what is there is no change: like the IDL, leave it out
		// of the transaction (an unchanged line does not bump next_cfg).
		return
	}
	if !rw.isNew && !rw.changed[col] {
		if rw.orig == nil {
			rw.orig = map[string]datum{}
		}
		rw.orig[col] = rw.get(col)
	}
	rw.cols[col] = d
	rw.changed[col] = true
}

func (r *replica) delete(rw *row) { rw.deleted = true }

// namedUUID is the uuid-name by which a transaction refers to a row it
// inserts: a valid <id> derived from the temporary UUID.
func namedUUID(u notation.UUID) notation.NamedUUID {
	return notation.NamedUUID("row" + strings.ReplaceAll(string(u), "-", "_"))
}

// ref maps an atom for the wire: references to rows inserted in this
// transaction become named-uuids.
func (r *replica) ref(a any) any {
	if u, ok := a.(notation.UUID); ok {
		for _, m := range r.rows {
			if rw := m[u]; rw != nil && rw.isNew {
				return namedUUID(u)
			}
		}
	}
	return a
}

// operations returns the transaction that applies the changes, and the new
// rows in the order of their insert operations.
func (r *replica) operations() ([]any, []*row) {
	var ops []any
	var inserted []*row
	uuidWhere := func(rw *row) []any {
		return []any{[]any{"_uuid", "==", notation.AtomToJSON(rw.uuid)}}
	}
	for _, rw := range r.all {
		switch {
		case rw.isNew && !rw.deleted:
			cols := map[string]any{}
			for cn, d := range rw.cols {
				t := &rw.t.Columns[cn].Type
				if !d.equal(defaultDatum(t)) {
					cols[cn] = d.wire(t, r.ref)
				}
			}
			ops = append(ops, map[string]any{"op": "insert", "table": rw.t.Name,
				"uuid-name": string(namedUUID(rw.uuid)), "row": cols})
			inserted = append(inserted, rw)
		case !rw.isNew && rw.deleted:
			ops = append(ops, map[string]any{"op": "delete", "table": rw.t.Name, "where": uuidWhere(rw)})
		case !rw.isNew && len(rw.changed) > 0:
			cols := map[string]any{}
			var names []string
			old := map[string]any{}
			for cn := range rw.changed {
				t := &rw.t.Columns[cn].Type
				cols[cn] = rw.cols[cn].wire(t, r.ref)
				if r.isLoaded(rw.t, cn) {
					old[cn] = rw.orig[cn].wire(t, r.ref)
					names = append(names, cn)
				}
			}
			// Like ovs-vsctl's verify: the update rewrites whole columns
			// computed from what was read, so it must not land on values
			// another client changed in between (two add-ports racing on
			// Bridge.ports). A "wait" with timeout 0 fails the
			// transaction if they changed, and the run starts over.
			if len(names) > 0 {
				ops = append(ops, map[string]any{"op": "wait", "table": rw.t.Name, "timeout": 0,
					"where": uuidWhere(rw), "columns": names, "until": "==", "rows": []any{old}})
			}
			ops = append(ops, map[string]any{"op": "update", "table": rw.t.Name,
				"where": uuidWhere(rw), "row": cols})
		}
	}
	return ops, inserted
}

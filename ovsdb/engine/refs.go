package engine

import (
	"strings"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// refIndex is what the DB knows of the committed rows so that a commit's
// checks cost O(rows changed), not O(database): how many strong references
// each row has, which rows refer weakly to each row, and each table's
// unique indexes (RFC 7047 §3.2). It is built at open and updated by every
// commit from the rows it changed. DB.mu guards it.
type refIndex struct {
	strongIn map[notation.UUID]int
	weakIn   map[notation.UUID]map[notation.UUID]string // target → referrer → its table
	unique   map[string][]map[string]notation.UUID      // table → per schema index: key → row
	// visits counts rows that commits examined, for the test that keeps
	// commit cost independent of the table sizes.
	visits int
	// scans counts where clauses answered by scanning a whole table, for
	// the test that an indexed "==" does not.
	scans int
}

func newRefIndex(sch *schema.Schema) *refIndex {
	x := &refIndex{strongIn: map[notation.UUID]int{}, weakIn: map[notation.UUID]map[notation.UUID]string{},
		unique: map[string][]map[string]notation.UUID{}}
	for name, tb := range sch.Tables {
		for range tb.Indexes {
			x.unique[name] = append(x.unique[name], map[string]notation.UUID{})
		}
	}
	return x
}

// account adds (sign +1) or removes (-1) a committed row's references and
// index keys.
func (db *DB) account(table string, r *Row, sign int) {
	x := db.refs
	db.eachRef(table, r, schema.Strong, func(_ *schema.Column, _ string, id notation.UUID) {
		if x.strongIn[id] += sign; x.strongIn[id] == 0 {
			delete(x.strongIn, id)
		}
	})
	db.eachRef(table, r, schema.Weak, func(_ *schema.Column, _ string, id notation.UUID) {
		if sign > 0 {
			if x.weakIn[id] == nil {
				x.weakIn[id] = map[notation.UUID]string{}
			}
			x.weakIn[id][r.UUID] = table
			return
		}
		delete(x.weakIn[id], r.UUID)
		if len(x.weakIn[id]) == 0 {
			delete(x.weakIn, id)
		}
	})
	for i, idx := range db.schema.Tables[table].Indexes {
		k := uniqueKey(r, idx)
		if sign > 0 {
			x.unique[table][i][k] = r.UUID
		} else if x.unique[table][i][k] == r.UUID {
			delete(x.unique[table][i], k)
		}
	}
}

// accountChange replaces committed row old's references and index keys
// by those of r, its new version, touching only the references that
// differ: adding a port to a 10,000-port bridge changes one reference of
// Bridge.ports, not 10,000.
func (db *DB) accountChange(table string, old, r *Row) {
	x := db.refs
	db.eachRefChange(table, old, r, schema.Strong, func(_ string, id notation.UUID, sign int) {
		if x.strongIn[id] += sign; x.strongIn[id] == 0 {
			delete(x.strongIn, id)
		}
	})
	db.eachRefChange(table, old, r, schema.Weak, func(_ string, id notation.UUID, sign int) {
		if sign > 0 {
			if x.weakIn[id] == nil {
				x.weakIn[id] = map[notation.UUID]string{}
			}
			x.weakIn[id][r.UUID] = table
			return
		}
		delete(x.weakIn[id], r.UUID)
		if len(x.weakIn[id]) == 0 {
			delete(x.weakIn, id)
		}
	})
	for i, idx := range db.schema.Tables[table].Indexes {
		if k := uniqueKey(old, idx); x.unique[table][i][k] == old.UUID {
			delete(x.unique[table][i], k)
		}
		x.unique[table][i][uniqueKey(r, idx)] = r.UUID
	}
}

// eachRefChange calls fn for each reference of the given strength that a
// row's change from old to r removes (sign -1) or adds (+1); old is nil
// for an insert, r for a delete. A row holds canonical values (package
// schema: sets sorted by notation.CompareAtoms, without duplicates), so a
// set column's difference is one merge pass without a map; map columns
// count as wholly replaced.
func (db *DB) eachRefChange(table string, old, r *Row, strength string, fn func(refTable string, id notation.UUID, sign int)) {
	cols := db.refCols[table].strong
	if strength == schema.Weak {
		cols = db.refCols[table].weak
	}
	if len(cols) == 0 {
		return
	}
	db.refs.visits++
	out := func(_ *schema.Column, to string, id notation.UUID) { fn(to, id, -1) }
	in := func(_ *schema.Column, to string, id notation.UUID) { fn(to, id, +1) }
	for _, c := range cols {
		var ov, nv any
		if old != nil {
			ov = old.Cols[c.Name]
		}
		if r != nil {
			nv = r.Cols[c.Name]
		}
		os, oset := ov.(notation.Set)
		ns, nset := nv.(notation.Set)
		if !oset || !nset || c.Type.Key.RefTable == "" || c.Type.Key.RefType != strength {
			eachRefIn(c, ov, strength, out)
			eachRefIn(c, nv, strength, in)
			continue
		}
		to := c.Type.Key.RefTable
		i, j := 0, 0
		for i < len(os) || j < len(ns) {
			switch {
			case j == len(ns):
				fn(to, os[i].(notation.UUID), -1)
				i++
			case i == len(os):
				fn(to, ns[j].(notation.UUID), +1)
				j++
			default:
				switch cmp := compareRefs(os[i], ns[j]); {
				case cmp == 0:
					i++
					j++
				case cmp < 0:
					fn(to, os[i].(notation.UUID), -1)
					i++
				default:
					fn(to, ns[j].(notation.UUID), +1)
					j++
				}
			}
		}
	}
}

// compareRefs is notation.CompareAtoms with a shortcut for the common case
// of two UUIDs (the merge above runs over every reference of a column).
func compareRefs(a, b any) int {
	if x, ok := a.(notation.UUID); ok {
		if y, ok := b.(notation.UUID); ok {
			return strings.Compare(string(x), string(y))
		}
	}
	return notation.CompareAtoms(a, b)
}

// strongDelta is the change a transaction makes to the strong reference
// counts: refs of each changed row's new version minus its committed one.
func (t *txn) strongDelta() map[notation.UUID]int {
	delta := map[notation.UUID]int{}
	for table, rows := range t.changes {
		if len(t.db.refCols[table].strong) == 0 {
			continue
		}
		for id, r := range rows {
			t.db.eachRefChange(table, t.db.tables[table][id], r, schema.Strong, func(_ string, to notation.UUID, sign int) { delta[to] += sign })
		}
	}
	return delta
}

// collectGarbage deletes rows of non-root tables that no row refers to by
// a strong reference, and then what only they referred to (RFC 7047 §3.2
// isRoot). Only rows whose count this transaction lowered, and rows it
// inserted, can have become garbage: the committed state has none.
func (t *txn) collectGarbage(delta map[notation.UUID]int) {
	type cand struct {
		table string
		id    notation.UUID
	}
	var work []cand
	for table, rows := range t.changes {
		for id, r := range rows {
			if r != nil && t.db.tables[table][id] == nil {
				work = append(work, cand{table, id})
			}
		}
		if len(t.db.refCols[table].strong) == 0 {
			continue
		}
		// Targets of references this transaction removed.
		for id, r := range rows {
			if old := t.db.tables[table][id]; old != nil {
				t.db.eachRefChange(table, old, r, schema.Strong, func(to string, tid notation.UUID, sign int) {
					if sign < 0 {
						work = append(work, cand{to, tid})
					}
				})
			}
		}
	}
	for len(work) > 0 {
		c := work[len(work)-1]
		work = work[:len(work)-1]
		if t.db.schema.Tables[c.table].IsRoot || t.db.refs.strongIn[c.id]+delta[c.id] != 0 {
			continue
		}
		r := t.row(c.table, c.id)
		if r == nil {
			continue
		}
		t.db.eachRef(c.table, r, schema.Strong, func(_ *schema.Column, to string, tid notation.UUID) {
			delta[tid]--
			work = append(work, cand{to, tid})
		})
		t.del(c.table, c.id)
	}
}

// checkStrongRefs fails when a row refers by a strong reference to a row
// that does not exist: a dangling insert/update value, or a delete of a row
// that is still referenced (RFC 7047 §5.2.5). Only changed rows can add a
// dangling reference, and only deleted rows can leave one behind; on a
// violation the full scan finds the culprit for the error message.
func (t *txn) checkStrongRefs(delta map[notation.UUID]int) *notation.Error {
	bad := false
	for table, rows := range t.changes {
		for id, r := range rows {
			if r == nil {
				if t.db.refs.strongIn[id]+delta[id] > 0 {
					bad = true
				}
				continue
			}
			// Only references the transaction added can dangle: one it
			// kept points to a committed row, and deleting that row is
			// caught above by the row's count.
			t.db.eachRefChange(table, t.db.tables[table][id], r, schema.Strong, func(to string, tid notation.UUID, sign int) {
				bad = bad || sign > 0 && t.row(to, tid) == nil
			})
		}
	}
	if !bad {
		return nil
	}
	return t.findDanglingStrong()
}

// cleanWeakRefs removes weak references to rows that do not exist (RFC 7047
// §3.2 refType "weak"); a column left with fewer values than its minimum is
// a constraint violation. The rows to fix are changed rows and the
// committed referrers of deleted rows.
func (t *txn) cleanWeakRefs() *notation.Error {
	type ref struct {
		table string
		id    notation.UUID
	}
	seen := map[ref]bool{}
	var check []ref
	for table, rows := range t.changes {
		for id, r := range rows {
			if r == nil {
				for from, ft := range t.db.refs.weakIn[id] {
					if k := (ref{ft, from}); !seen[k] {
						seen[k] = true
						check = append(check, k)
					}
				}
			} else if len(t.db.refCols[table].weak) > 0 {
				if k := (ref{table, id}); !seen[k] {
					seen[k] = true
					check = append(check, k)
				}
			}
		}
	}
	for _, c := range check {
		r := t.row(c.table, c.id)
		if r == nil {
			continue
		}
		dangling := false
		t.db.eachRef(c.table, r, schema.Weak, func(_ *schema.Column, refTable string, id notation.UUID) {
			dangling = dangling || t.row(refTable, id) == nil
		})
		if !dangling {
			continue
		}
		tb := t.db.schema.Tables[c.table]
		w := t.writable(c.table, r)
		for cname, col := range tb.Columns {
			v, changed := dropDangling(t, col, w.Cols[cname])
			if !changed {
				continue
			}
			if err := sizeOf(col, v); err != nil {
				e := *err
				e.Details = "removing weak references from " + c.table + ": " + e.Details
				return &e
			}
			w.Cols[cname] = v
		}
	}
	return nil
}

// checkUnique enforces the uniqueness of a changed table's indexes: each
// changed row's key must be free among the changed rows and, in the
// committed index, belong to no row other than a changed one (whose new key
// the first check covers).
func (t *txn) checkUnique(name string) *notation.Error {
	tb := t.db.schema.Tables[name]
	for i, idx := range tb.Indexes {
		local := map[string]notation.UUID{}
		for id, r := range t.changes[name] {
			if r == nil {
				continue
			}
			t.db.refs.visits++
			k := uniqueKey(r, idx)
			other, dup := local[k]
			if !dup {
				local[k] = id
				o, ok := t.db.refs.unique[name][i][k]
				if _, changed := t.changes[name][o]; ok && o != id && !changed {
					other, dup = o, true
				}
			}
			if dup {
				return duplicateError(name, idx, r, other)
			}
		}
	}
	return nil
}

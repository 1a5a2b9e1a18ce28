package server

import (
	"encoding/json"
	"slices"

	"github.com/xvs-switch/xvs/ovsdb/engine"
	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// monitor is one monitor of a session. version 1 is "monitor" (RFC 7047
// §4.1.5, "update" notifications with old/new rows), 2 "monitor_cond"
// (update2: initial/insert/delete/modify with column diffs), 3
// "monitor_cond_since" (update3, which also carries the transaction id).
type monitor struct {
	id      json.RawMessage
	db      *engine.DB
	version int
	sess    *session
	cancel  func()

	// tables is replaced, never modified, by monitor_cond_change; it is
	// read under the DB lock (in the change callback) and written under it
	// too (by Snapshot).
	tables map[string]*monitorTable
}

type monitorTable struct {
	tb                              *schema.Table
	columns                         []string
	columnsSet                      bool // "columns" was given; [] means none
	initial, insert, delete, modify bool
	where                           func(*engine.Row) bool // nil: every row
}

// monitorRequests parses {table: request-or-array-of-requests} (RFC 7047
// §4.1.5, with "where" for monitor_cond).
func parseMonitorRequests(db *engine.DB, raw json.RawMessage, version int) (map[string]*monitorTable, *notation.Error) {
	var reqs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &reqs); err != nil {
		return nil, rpcError(notation.ErrSyntax, "monitor requests must be an object: %v", err)
	}
	out := map[string]*monitorTable{}
	for name, r := range reqs {
		tb := db.Schema().Tables[name]
		if tb == nil {
			return nil, rpcError(notation.ErrSyntax, "no table named %s", name)
		}
		var list []json.RawMessage
		if json.Unmarshal(r, &list) != nil {
			list = []json.RawMessage{r}
		}
		mt := &monitorTable{tb: tb}
		for _, one := range list {
			if err := mt.merge(one, version); err != nil {
				return nil, err
			}
		}
		if len(list) == 0 {
			mt.initial, mt.insert, mt.delete, mt.modify = true, true, true, true
		}
		if !mt.columnsSet {
			mt.columns = tb.ColumnNames()
		}
		out[name] = mt
	}
	return out, nil
}

func (mt *monitorTable) merge(raw json.RawMessage, version int) *notation.Error {
	var req struct {
		Columns []string `json:"columns"`
		Select  *struct {
			Initial, Insert, Delete, Modify *bool
		} `json:"select"`
		Where []json.RawMessage `json:"where"`
	}
	if err := notation.Unmarshal(raw, &req); err != nil {
		return rpcError(notation.ErrSyntax, "monitor request for %s: %v", mt.tb.Name, err)
	}
	if req.Columns != nil {
		mt.columnsSet = true
		if mt.columns == nil {
			mt.columns = []string{} // nil would mean every column to Row.JSON
		}
	}
	for _, c := range req.Columns {
		if mt.tb.Column(c) == nil {
			return rpcError(notation.ErrSyntax, "no column %s in table %s", c, mt.tb.Name)
		}
		if !slices.Contains(mt.columns, c) {
			mt.columns = append(mt.columns, c)
		}
	}
	flag := func(p *bool) bool { return p == nil || *p }
	if req.Select == nil {
		mt.initial, mt.insert, mt.delete, mt.modify = true, true, true, true
	} else {
		mt.initial = mt.initial || flag(req.Select.Initial)
		mt.insert = mt.insert || flag(req.Select.Insert)
		mt.delete = mt.delete || flag(req.Select.Delete)
		mt.modify = mt.modify || flag(req.Select.Modify)
	}
	if req.Where != nil {
		if version < 2 {
			return rpcError(notation.ErrSyntax, "\"where\" needs monitor_cond")
		}
		w, err := parseMonitorWhere(mt.tb, req.Where)
		if err != nil {
			return err
		}
		mt.where = w
	}
	return nil
}

// parseMonitorWhere types a monitor_cond condition: a disjunction of
// clauses, each a condition or a boolean; an empty list selects nothing
// (ovsdb-server(7) "Monitor_cond").
func parseMonitorWhere(tb *schema.Table, where []json.RawMessage) (func(*engine.Row) bool, *notation.Error) {
	var clauses []func(*engine.Row) bool
	all := false
	for _, raw := range where {
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			all = all || b
			continue
		}
		var c notation.Condition
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, rpcError(notation.ErrSyntax, "monitor condition: %v", err)
		}
		f, err := engine.Conditions(tb, []notation.Condition{c})
		if err != nil {
			return nil, err
		}
		clauses = append(clauses, f)
	}
	if all {
		return nil, nil
	}
	return func(r *engine.Row) bool {
		for _, f := range clauses {
			if f(r) {
				return true
			}
		}
		return false
	}, nil
}

func (mt *monitorTable) selects(r *engine.Row) bool {
	return r != nil && (mt.where == nil || mt.where(r))
}

// monitor handles monitor, monitor_cond and monitor_cond_since.
func (s *session) monitor(id json.RawMessage, p []json.RawMessage, version int) {
	want := 3
	if version == 3 {
		want = 4
	}
	db, e := s.db(p, want)
	if e != nil {
		s.reply(id, nil, e)
		return
	}
	tables, e := parseMonitorRequests(db, p[2], version)
	if e != nil {
		s.reply(id, nil, e)
		return
	}
	var lastID notation.UUID
	if version == 3 {
		var u string
		if json.Unmarshal(p[3], &u) == nil {
			lastID = notation.UUID(u)
		}
	}
	m := &monitor{id: compactJSON(p[1]), db: db, version: version, sess: s, tables: tables}
	key := string(m.id)
	s.mu.Lock()
	if _, dup := s.monitors[key]; dup || s.closed {
		s.mu.Unlock()
		s.reply(id, nil, rpcError(notation.ErrSyntax, "duplicate monitor ID"))
		return
	}
	s.monitors[key] = m
	s.mu.Unlock()
	cancel := db.SnapshotSince(lastID, func(txnID notation.UUID, rows map[string]map[notation.UUID]*engine.Row, since []*engine.Change, found bool) {
		found = found && version == 3
		var updates map[string]any
		if found {
			// monitor_cond_since: only what the client missed.
			updates = m.missed(since)
		} else {
			updates = m.initial(rows)
		}
		switch version {
		case 3:
			s.reply(id, []any{found, string(txnID), updates}, nil)
		default:
			s.reply(id, updates, nil)
		}
	}, m.changed)
	s.mu.Lock()
	m.cancel = cancel
	closed := s.closed
	s.mu.Unlock()
	if closed {
		cancel()
	}
}

// initial renders the rows a new monitor starts with.
func (m *monitor) initial(rows map[string]map[notation.UUID]*engine.Row) map[string]any {
	out := map[string]any{}
	for name, mt := range m.tables {
		if !mt.initial {
			continue
		}
		tu := map[string]any{}
		for id, r := range rows[name] {
			if !mt.selects(r) {
				continue
			}
			row := r.JSON(mt.tb, mt.columns)
			if m.version == 1 {
				tu[string(id)] = map[string]any{"new": row}
			} else {
				tu[string(id)] = map[string]any{"initial": row}
			}
		}
		if len(tu) > 0 {
			out[name] = tu
		}
	}
	return out
}

// missed composes the changes a monitor_cond_since client missed into one
// table-updates2: per row, its state before the first and after the last.
func (m *monitor) missed(since []*engine.Change) map[string]any {
	composed := map[string]map[notation.UUID]engine.RowChange{}
	for _, c := range since {
		for table, rows := range c.Tables {
			if m.tables[table] == nil {
				continue
			}
			if composed[table] == nil {
				composed[table] = map[notation.UUID]engine.RowChange{}
			}
			for id, rc := range rows {
				if prev, ok := composed[table][id]; ok {
					rc.Old = prev.Old
				}
				composed[table][id] = rc
			}
		}
	}
	out := map[string]any{}
	for table, rows := range composed {
		tu := map[string]any{}
		for id, rc := range rows {
			if u := m.rowUpdate(m.tables[table], rc); u != nil {
				tu[string(id)] = u
			}
		}
		if len(tu) > 0 {
			out[table] = tu
		}
	}
	return out
}

// changed turns a committed change into this monitor's notification. It
// runs under the DB lock and must not block (send does not).
func (m *monitor) changed(c *engine.Change) {
	out := map[string]any{}
	for name, mt := range m.tables {
		tu := map[string]any{}
		for id, rc := range c.Tables[name] {
			if u := m.rowUpdate(mt, rc); u != nil {
				tu[string(id)] = u
			}
		}
		if len(tu) > 0 {
			out[name] = tu
		}
	}
	if len(out) == 0 {
		return
	}
	switch m.version {
	case 1:
		m.sess.notify("update", m.id, out)
	case 2:
		m.sess.notify("update2", m.id, out)
	default:
		m.sess.notify("update3", m.id, string(c.TxnID), out)
	}
}

// rowUpdate is one row's <row-update> (version 1) or <row-update2>, nil
// when the monitor does not report it. With conditions, a row that starts
// to match is an insert and one that stops matching a delete.
func (m *monitor) rowUpdate(mt *monitorTable, rc engine.RowChange) any {
	was, is := mt.selects(rc.Old), mt.selects(rc.New)
	switch {
	case !was && is:
		if !mt.insert {
			return nil
		}
		if m.version == 1 {
			return map[string]any{"new": rc.New.JSON(mt.tb, mt.columns)}
		}
		return map[string]any{"insert": rc.New.JSON(mt.tb, mt.columns)}
	case was && !is:
		if !mt.delete {
			return nil
		}
		if m.version == 1 {
			return map[string]any{"old": rc.Old.JSON(mt.tb, mt.columns)}
		}
		return map[string]any{"delete": nil}
	case was && is:
		if !mt.modify {
			return nil
		}
		old := map[string]any{}
		diff := map[string]any{}
		for _, c := range mt.columns {
			col := mt.tb.Column(c)
			ov, nv := rc.Old.Get(c), rc.New.Get(c)
			if notation.Equal(ov, nv) {
				continue
			}
			old[c] = col.Type.ToJSON(ov)
			diff[c] = col.Type.ToJSON(columnDiff(&col.Type, ov, nv))
		}
		if len(diff) == 0 {
			return nil
		}
		if m.version == 1 {
			return map[string]any{"old": old, "new": rc.New.JSON(mt.tb, mt.columns)}
		}
		return map[string]any{"modify": diff}
	}
	return nil
}

// monitorCancel handles monitor_cancel [monitor-id].
func (s *session) monitorCancel(id json.RawMessage, p []json.RawMessage) {
	if len(p) != 1 {
		s.reply(id, nil, rpcError(notation.ErrSyntax, "monitor_cancel: params must be [monitor-id]"))
		return
	}
	key := string(compactJSON(p[0]))
	s.mu.Lock()
	m := s.monitors[key]
	delete(s.monitors, key)
	var cancel func()
	if m != nil {
		cancel = m.cancel
	}
	s.mu.Unlock()
	if m == nil {
		s.reply(id, nil, rpcError("unknown monitor", "no monitor %s", key))
		return
	}
	if cancel != nil {
		cancel()
	}
	s.reply(id, map[string]any{}, nil)
}

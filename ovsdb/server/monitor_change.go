package server

import (
	"encoding/json"

	"github.com/xvs-switch/xvs/ovsdb/engine"
	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// monitorCondChange handles monitor_cond_change [monitor-id, new-id,
// {table: [request]}]: new conditions (and columns) for a monitor_cond
// monitor. Rows that start or stop matching are sent as insert/delete in
// an update2/update3 before the reply.
func (s *session) monitorCondChange(id json.RawMessage, p []json.RawMessage) {
	if len(p) != 3 {
		s.reply(id, nil, rpcError(notation.ErrSyntax, "monitor_cond_change: params must be [monitor-id, new-monitor-id, requests]"))
		return
	}
	key := string(compactJSON(p[0]))
	newKey := string(compactJSON(p[1]))
	s.mu.Lock()
	m := s.monitors[key]
	_, taken := s.monitors[newKey]
	s.mu.Unlock()
	if m == nil || m.version < 2 {
		s.reply(id, nil, rpcError("unknown monitor", "no monitor_cond monitor %s", key))
		return
	}
	if newKey != key && taken {
		s.reply(id, nil, rpcError(notation.ErrSyntax, "duplicate monitor ID"))
		return
	}
	var reqs map[string]json.RawMessage
	if err := json.Unmarshal(p[2], &reqs); err != nil {
		s.reply(id, nil, rpcError(notation.ErrSyntax, "monitor_cond_change: requests must be an object"))
		return
	}
	// Fail before changing anything.
	next := map[string]*monitorTable{}
	for name, mt := range m.tables {
		cp := *mt
		next[name] = &cp
	}
	for name, raw := range reqs {
		mt := next[name]
		if mt == nil {
			s.reply(id, nil, rpcError(notation.ErrSyntax, "table %s is not monitored", name))
			return
		}
		var list []struct {
			Columns []string          `json:"columns"`
			Where   []json.RawMessage `json:"where"`
		}
		if err := json.Unmarshal(raw, &list); err != nil {
			s.reply(id, nil, rpcError(notation.ErrSyntax, "monitor_cond_change: %v", err))
			return
		}
		for _, r := range list {
			if r.Columns != nil {
				for _, c := range r.Columns {
					if mt.tb.Column(c) == nil {
						s.reply(id, nil, rpcError(notation.ErrSyntax, "no column %s in table %s", c, name))
						return
					}
				}
				mt.columns = r.Columns
			}
			if r.Where != nil {
				w, err := parseMonitorWhere(mt.tb, r.Where)
				if err != nil {
					s.reply(id, nil, err)
					return
				}
				mt.where = w
			}
		}
	}
	newID := compactJSON(p[1])
	m.db.Snapshot(func(txnID notation.UUID, rows map[string]map[notation.UUID]*engine.Row) {
		out := map[string]any{}
		for name, mt := range next {
			old := m.tables[name]
			tu := map[string]any{}
			for rid, r := range rows[name] {
				was, is := old.selects(r), mt.selects(r)
				switch {
				case is && !was:
					tu[string(rid)] = map[string]any{"insert": r.JSON(mt.tb, mt.columns)}
				case was && !is:
					tu[string(rid)] = map[string]any{"delete": nil}
				}
			}
			if len(tu) > 0 {
				out[name] = tu
			}
		}
		m.tables = next
		m.id = newID
		s.mu.Lock()
		delete(s.monitors, key)
		s.monitors[newKey] = m
		s.mu.Unlock()
		if len(out) > 0 {
			if m.version == 2 {
				s.notify("update2", m.id, out)
			} else {
				s.notify("update3", m.id, string(txnID), out)
			}
		}
		s.reply(id, map[string]any{}, nil)
	}, nil)
}

package client

// Monitors: "monitor" of RFC 7047 §4.1.5-4.1.7 and the "monitor_cond"
// extension of Open vSwitch (ovsdb-server(7), "update2" notifications).

import (
	"context"
	"encoding/json"
	"fmt"
)

// MonitorRequest says what to monitor in one table (§4.1.5). Where is used
// only by monitor_cond: a list of conditions (§5.1) ANDed together.
type MonitorRequest struct {
	Columns []string       `json:"columns,omitempty"`
	Where   []any          `json:"where,omitempty"`
	Select  *MonitorSelect `json:"select,omitempty"`
}

// MonitorSelect chooses which kinds of change are reported; nil means all.
type MonitorSelect struct {
	Initial bool `json:"initial"`
	Insert  bool `json:"insert"`
	Delete  bool `json:"delete"`
	Modify  bool `json:"modify"`
}

// Row is a row (or part of one) in the wire notation: column name to value.
type Row map[string]json.RawMessage

// RowUpdate is the change of one row. For "update" notifications (monitor),
// Old and New are set as §4.1.6 describes. For "update2" (monitor_cond)
// exactly one of Initial, Insert, Modify is set, or Delete is true; Modify
// holds the changed columns in the diff notation of ovsdb-server(7).
type RowUpdate struct {
	Old, New                Row
	Initial, Insert, Modify Row
	Delete                  bool
}

// UnmarshalJSON tells a present-but-null "delete" from an absent one.
func (u *RowUpdate) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for k, v := range m {
		var dst *Row
		switch k {
		case "old":
			dst = &u.Old
		case "new":
			dst = &u.New
		case "initial":
			dst = &u.Initial
		case "insert":
			dst = &u.Insert
		case "modify":
			dst = &u.Modify
		case "delete":
			u.Delete = true
			continue
		default:
			continue
		}
		if isNull(v) {
			continue
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return fmt.Errorf("row update %q: %w", k, err)
		}
	}
	return nil
}

// TableUpdates maps table name to row UUID to the row's change.
type TableUpdates map[string]map[string]RowUpdate

// Monitor is one active monitor. Updates delivers every notification after
// the initial contents in order; it is closed after Cancel or when the
// session ends.
type Monitor struct {
	c    *Client
	id   any
	key  string
	cond bool
	q    *queue[TableUpdates]
}

// Updates returns the channel of change notifications.
func (m *Monitor) Updates() <-chan TableUpdates { return m.q.out }

// Monitor starts a monitor on db (§4.1.5) and returns the initial contents
// with it.
func (c *Client) Monitor(ctx context.Context, db string, reqs map[string]MonitorRequest) (TableUpdates, *Monitor, error) {
	return c.monitor(ctx, "monitor", db, reqs)
}

// MonitorCond starts a conditional monitor (Open vSwitch's monitor_cond):
// each table's request may carry Where conditions, and updates arrive in
// the "update2" form (Initial/Insert/Modify/Delete).
func (c *Client) MonitorCond(ctx context.Context, db string, reqs map[string]MonitorRequest) (TableUpdates, *Monitor, error) {
	return c.monitor(ctx, "monitor_cond", db, reqs)
}

func (c *Client) monitor(ctx context.Context, method, db string, reqs map[string]MonitorRequest) (TableUpdates, *Monitor, error) {
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return nil, nil, err
	}
	c.nextID++
	id := fmt.Sprintf("xvs-monitor-%d", c.nextID)
	m := &Monitor{c: c, id: id, key: jsonKey(id), cond: method == "monitor_cond", q: newQueue[TableUpdates]()}
	// Registered before the request goes out: the server may send an
	// update right after its reply, and it must not be lost.
	c.monitors[m.key] = m
	c.mu.Unlock()

	var initial TableUpdates
	if err := c.Call(ctx, method, []any{db, id, reqs}, &initial); err != nil {
		c.dropMonitor(m)
		return nil, nil, err
	}
	return initial, m, nil
}

func (c *Client) dropMonitor(m *Monitor) {
	c.mu.Lock()
	_, ok := c.monitors[m.key]
	delete(c.monitors, m.key)
	c.mu.Unlock()
	if ok {
		m.q.close()
	}
}

// Cancel ends the monitor (§4.1.7) and closes its Updates channel.
func (m *Monitor) Cancel(ctx context.Context) error {
	err := m.c.Call(ctx, "monitor_cancel", []any{m.id}, nil)
	m.c.dropMonitor(m)
	return err
}

// handleUpdate routes an update notification: params are [monitor-id,
// table-updates] (§4.1.6).
func (c *Client) handleUpdate(msg *message) {
	var p []json.RawMessage
	if json.Unmarshal(msg.Params, &p) != nil || len(p) < 2 {
		return
	}
	var id any
	if json.Unmarshal(p[0], &id) != nil {
		return
	}
	c.mu.Lock()
	m := c.monitors[jsonKey(id)]
	c.mu.Unlock()
	if m == nil {
		return
	}
	var tu TableUpdates
	// update3 (monitor_cond_since) puts the last transaction id before the
	// updates; take the last element in every form.
	if json.Unmarshal(p[len(p)-1], &tu) != nil {
		return
	}
	m.q.push(tu)
}

// jsonKey is the canonical JSON text of a monitor id, the key of monitors.
func jsonKey(id any) string {
	b, _ := json.Marshal(id)
	return string(b)
}

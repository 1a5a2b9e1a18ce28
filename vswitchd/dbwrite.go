package vswitchd

// Write-back of status columns (ovs-vswitchd.conf.db(5)): what the switch
// made of the configuration. Each column is written only when its value
// changed, in one transaction per pass, so that a quiet switch writes
// nothing.

import (
	"context"
	"maps"
	"slices"

	"github.com/xvs-switch/xvs/ovsdb/client"
	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// ifaceStatus is what vswitchd reports about one Interface row.
type ifaceStatus struct {
	OFPort     int64 // -1: failed
	MACInUse   string
	LinkState  string // "up", "down" or "" (unknown)
	AdminState string
	IfIndex    int64 // 0: none
	MTU        int64 // 0: unknown
	Error      string
	Stats      map[string]int64
}

func (s ifaceStatus) row() notation.Row {
	r := notation.Row{
		"ofport":      notation.Set{s.OFPort},
		"mac_in_use":  optStr(s.MACInUse),
		"link_state":  optStr(s.LinkState),
		"admin_state": optStr(s.AdminState),
		"ifindex":     notation.Set{},
		"error":       optStr(s.Error),
		"statistics":  statsMap(s.Stats),
	}
	if s.IfIndex > 0 {
		r["ifindex"] = notation.Set{s.IfIndex}
	}
	r["mtu"] = notation.Set{}
	if s.MTU > 0 {
		r["mtu"] = notation.Set{s.MTU}
	}
	return r
}

// diff returns the columns of s that differ from old (every column when
// old is nil).
func (s ifaceStatus) diff(old *ifaceStatus) notation.Row {
	r := s.row()
	if old == nil {
		return r
	}
	o := old.row()
	for col, v := range r {
		if notation.Equal(v, o[col]) {
			delete(r, col)
		}
	}
	return r
}

// ctrlStatus is what vswitchd reports about one Controller row.
type ctrlStatus struct {
	Connected bool
	Role      string // "other", "master", "slave"; "" unknown
	Status    map[string]string
}

func (s ctrlStatus) row() notation.Row {
	return notation.Row{"is_connected": s.Connected, "role": optStr(s.Role), "status": strMap(s.Status)}
}

func optStr(s string) notation.Set {
	if s == "" {
		return notation.Set{}
	}
	return notation.Set{s}
}

func strMap(m map[string]string) notation.Map {
	out := notation.Map{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, notation.Pair{Key: k, Value: m[k]})
	}
	return out
}

func statsMap(m map[string]int64) notation.Map {
	out := notation.Map{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, notation.Pair{Key: k, Value: m[k]})
	}
	return out
}

// updateOp is an RFC 7047 §5.2.4 "update" of one row by UUID.
func updateOp(table, uuid string, r notation.Row) map[string]any {
	return map[string]any{
		"op":    "update",
		"table": table,
		"where": []any{[]any{"_uuid", "==", []any{"uuid", uuid}}},
		"row":   r.ToJSON(),
	}
}

// transact runs ops as one transaction. A row deleted meanwhile makes its
// update match nothing, which is not an error.
func transact(ctx context.Context, c *client.Client, ops []any) error {
	if len(ops) == 0 {
		return nil
	}
	_, err := c.Transact(ctx, dbName, ops...)
	return err
}

package vswitchd

// The part of the Open_vSwitch database (ovs-vswitchd.conf.db(5)) that
// vswitchd reads: a cache of the monitored rows, and the desired
// configuration derived from it by following references from the root row.

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/xvs-switch/xvs/ovsdb/client"
	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// dbName is the database vswitchd serves.
const dbName = "Open_vSwitch"

// monitored lists the configuration columns vswitchd reads. Status columns
// it writes (link_state, statistics, is_connected, cur_cfg, ...) are left
// out, so its own write-backs do not come back as updates; Interface.ofport
// is the exception: the number a port had is the one it gets again after a
// restart, as in Open vSwitch, and an echo of it changes nothing.
var monitored = map[string][]string{
	"Open_vSwitch": {"bridges", "next_cfg", "other_config"},
	"Bridge":       {"name", "ports", "controller", "fail_mode", "protocols", "other_config", "datapath_type", "flood_vlans"},
	"Port":         {"name", "interfaces", "tag", "trunks", "vlan_mode", "other_config"},
	"Interface":    {"name", "type", "ofport_request", "ofport"},
	"Controller":   {"target", "inactivity_probe", "max_backoff", "controller_rate_limit", "controller_burst_limit"},
}

func monitorRequests() map[string]client.MonitorRequest {
	reqs := make(map[string]client.MonitorRequest, len(monitored))
	for t, cols := range monitored {
		reqs[t] = client.MonitorRequest{Columns: cols}
	}
	return reqs
}

// dbCache holds the monitored rows: table -> row UUID -> decoded row.
type dbCache map[string]map[string]notation.Row

// apply folds a "monitor" update (RFC 7047 §4.1.6) into the cache: "new"
// carries every monitored column of an inserted or modified row, its
// absence means the row was deleted.
func (c dbCache) apply(tu client.TableUpdates) error {
	for table, rows := range tu {
		t := c[table]
		if t == nil {
			t = map[string]notation.Row{}
			c[table] = t
		}
		for uuid, u := range rows {
			if u.New == nil {
				delete(t, uuid)
				continue
			}
			r, err := u.New.Decode()
			if err != nil {
				return fmt.Errorf("%s row %s: %w", table, uuid, err)
			}
			t[uuid] = r
		}
	}
	return nil
}

// ovsConfig is the whole desired configuration.
type ovsConfig struct {
	UUID        string // the Open_vSwitch row; "" when the table is empty
	NextCfg     int64
	OtherConfig map[string]string
	Bridges     []*bridgeConfig // sorted by name
}

type bridgeConfig struct {
	UUID, Name   string
	FailMode     string
	Protocols    []string
	OtherConfig  map[string]string
	DatapathType string
	FloodVLANs   []int64
	Controllers  []controllerConfig // sorted by target
	Ports        []*portConfig      // sorted by name
}

type portConfig struct {
	UUID, Name  string
	Tag         int64 // 0: none
	Trunks      []int64
	VLANMode    string
	OtherConfig map[string]string
	Ifaces      []*ifaceConfig // sorted by name
}

type ifaceConfig struct {
	UUID, Name, Type string
	OFPortRequest    int64 // 0: none
	OFPort           int64 // what the DB says the port had; a hint when adding it
}

type controllerConfig struct {
	UUID, Target    string
	InactivityProbe int64 // ms; 0: default
	MaxBackoff      int64 // ms; 0: default
	RateLimit       int64 // packet-ins per second; 0: none
	BurstLimit      int64
}

// config derives the desired configuration from the cache. Rows that are
// referenced but missing (a monitor update still in flight) are skipped.
func (c dbCache) config() *ovsConfig {
	cfg := &ovsConfig{}
	var root notation.Row
	for uuid, r := range c["Open_vSwitch"] {
		// The table has at most one row (maxRows 1); take the smallest
		// UUID if a foreign schema allows more.
		if cfg.UUID == "" || uuid < cfg.UUID {
			cfg.UUID, root = uuid, r
		}
	}
	if root == nil {
		return cfg
	}
	cfg.NextCfg, _ = intCol(root, "next_cfg")
	cfg.OtherConfig = mapCol(root, "other_config")
	for _, bu := range uuidsCol(root, "bridges") {
		br, ok := c["Bridge"][bu]
		if !ok {
			continue
		}
		b := &bridgeConfig{UUID: bu, Name: strCol(br, "name"), FailMode: strCol(br, "fail_mode"),
			Protocols: strsCol(br, "protocols"), OtherConfig: mapCol(br, "other_config"),
			DatapathType: strCol(br, "datapath_type"), FloodVLANs: intsCol(br, "flood_vlans")}
		for _, cu := range uuidsCol(br, "controller") {
			cr, ok := c["Controller"][cu]
			if !ok {
				continue
			}
			cc := controllerConfig{UUID: cu, Target: strCol(cr, "target")}
			cc.InactivityProbe, _ = intCol(cr, "inactivity_probe")
			cc.MaxBackoff, _ = intCol(cr, "max_backoff")
			cc.RateLimit, _ = intCol(cr, "controller_rate_limit")
			cc.BurstLimit, _ = intCol(cr, "controller_burst_limit")
			b.Controllers = append(b.Controllers, cc)
		}
		slices.SortFunc(b.Controllers, func(x, y controllerConfig) int { return cmp.Compare(x.Target, y.Target) })
		for _, pu := range uuidsCol(br, "ports") {
			pr, ok := c["Port"][pu]
			if !ok {
				continue
			}
			p := &portConfig{UUID: pu, Name: strCol(pr, "name"), Trunks: intsCol(pr, "trunks"), VLANMode: strCol(pr, "vlan_mode"),
				OtherConfig: mapCol(pr, "other_config")}
			p.Tag, _ = intCol(pr, "tag")
			for _, iu := range uuidsCol(pr, "interfaces") {
				ir, ok := c["Interface"][iu]
				if !ok {
					continue
				}
				ic := &ifaceConfig{UUID: iu, Name: strCol(ir, "name"), Type: strCol(ir, "type")}
				ic.OFPortRequest, _ = intCol(ir, "ofport_request")
				ic.OFPort, _ = intCol(ir, "ofport")
				p.Ifaces = append(p.Ifaces, ic)
			}
			slices.SortFunc(p.Ifaces, func(x, y *ifaceConfig) int { return cmp.Compare(x.Name, y.Name) })
			b.Ports = append(b.Ports, p)
		}
		slices.SortFunc(b.Ports, func(x, y *portConfig) int { return cmp.Compare(x.Name, y.Name) })
		cfg.Bridges = append(cfg.Bridges, b)
	}
	slices.SortFunc(cfg.Bridges, func(x, y *bridgeConfig) int { return cmp.Compare(x.Name, y.Name) })
	return cfg
}

// Column readers. An optional column (min 0, max 1) is a set of zero or one
// atom on the wire, or the bare atom; every reader accepts both.

func atoms(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case notation.Set:
		return x
	case notation.Map:
		return nil
	}
	return []any{v}
}

func strCol(r notation.Row, col string) string {
	for _, a := range atoms(r[col]) {
		if s, ok := a.(string); ok {
			return s
		}
	}
	return ""
}

func strsCol(r notation.Row, col string) []string {
	var out []string
	for _, a := range atoms(r[col]) {
		if s, ok := a.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func intCol(r notation.Row, col string) (int64, bool) {
	for _, a := range atoms(r[col]) {
		if i, ok := a.(int64); ok {
			return i, true
		}
	}
	return 0, false
}

func intsCol(r notation.Row, col string) []int64 {
	var out []int64
	for _, a := range atoms(r[col]) {
		if i, ok := a.(int64); ok {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

func uuidsCol(r notation.Row, col string) []string {
	var out []string
	for _, a := range atoms(r[col]) {
		if u, ok := a.(notation.UUID); ok {
			out = append(out, string(u))
		}
	}
	return out
}

func mapCol(r notation.Row, col string) map[string]string {
	m, _ := r[col].(notation.Map)
	out := make(map[string]string, len(m))
	for _, p := range m {
		k, _ := p.Key.(string)
		switch v := p.Value.(type) {
		case string:
			out[k] = v
		case int64:
			out[k] = strconv.FormatInt(v, 10)
		}
	}
	return out
}

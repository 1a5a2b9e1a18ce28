package vswitchd

// Status write-back: Interface (ofport, mac_in_use, link_state,
// admin_state, ifindex, error, statistics), Bridge.datapath_id,
// Controller (is_connected, role, status) and Open_vSwitch.cur_cfg.

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// writeBack writes the interfaces' and bridges' status that changed, and
// cur_cfg when cfg has not been acknowledged yet, in one transaction, so
// that a client waiting for cur_cfg (ovs-vsctl without --no-wait) then
// reads the ofport of what it added. refresh re-reads port counters and
// link states first.
func (d *daemon) writeBack(ctx context.Context, cfg *ovsConfig, refresh bool) {
	if d.db == nil {
		return
	}
	var ops []any
	// Exclusive: the refresh below updates the ports.
	d.mu.Lock()
	seen := map[string]bool{}
	for _, b := range d.bridges {
		if refresh {
			ps := b.sw.Ports()
			idx := make(map[uint32]int, len(ps))
			for i, pi := range ps {
				idx[pi.OFPort] = i
			}
			for _, p := range b.ports {
				if i, ok := idx[p.ofport]; ok && p.ofport != 0 {
					p.info = ps[i]
				}
			}
		}
		for _, p := range b.ports {
			seen[p.ifaceUUID] = true
			st := d.portStatus(p)
			if old := d.lastIface[p.ifaceUUID]; old == nil || len(st.diff(old)) > 0 {
				ops = append(ops, updateOp("Interface", p.ifaceUUID, st.diff(old)))
				d.lastIface[p.ifaceUUID] = &st
			}
		}
		dpid := fmt.Sprintf("%016x", b.sw.FeaturesReply().DatapathID)
		if d.lastDPID[b.uuid] != dpid && b.uuid != "" {
			ops = append(ops, updateOp("Bridge", b.uuid, notation.Row{"datapath_id": notation.Set{dpid}}))
			d.lastDPID[b.uuid] = dpid
		}
	}
	d.mu.Unlock()
	// Forget rows that are gone, so that the map does not grow with churn.
	for u := range d.lastIface {
		if !seen[u] {
			delete(d.lastIface, u)
		}
	}
	if cfg.UUID != "" && !d.wroteInfo {
		// What this switch is and supports, as ovs-vswitchd writes it at
		// start (ovs-vsctl show prints ovs_version).
		ops = append(ops, updateOp("Open_vSwitch", cfg.UUID, notation.Row{
			"ovs_version":    notation.Set{OVSVersion},
			"iface_types":    notation.Set{"internal", "system", "tap"},
			"datapath_types": notation.Set{"system"},
		}))
	}
	ackCfg := cfg.UUID != "" && (!d.curCfgOK || d.applied != cfg.NextCfg)
	if ackCfg {
		ops = append(ops, updateOp("Open_vSwitch", cfg.UUID, notation.Row{"cur_cfg": cfg.NextCfg}))
	}
	if len(ops) == 0 {
		return
	}
	covWriteback.Inc()
	if err := transact(ctx, d.db, ops); err != nil {
		// Forget what was assumed written: the next pass writes it all.
		d.log.Warn("status write-back failed", "err", err)
		d.lastIface, d.lastDPID = map[string]*ifaceStatus{}, map[string]string{}
		d.curCfgOK, d.wroteInfo = false, false
		return
	}
	if ackCfg {
		d.applied, d.curCfgOK = cfg.NextCfg, true
	}
	if cfg.UUID != "" {
		d.wroteInfo = true
	}
}

// portStatus is the Interface status of p.
func (d *daemon) portStatus(p *port) ifaceStatus {
	st := ifaceStatus{OFPort: -1, Error: p.err}
	if p.ofport != 0 {
		st.OFPort = int64(p.ofport)
		if p.ofport == 0xfffffffe {
			st.OFPort = 65534 // OFPP_LOCAL as Open vSwitch writes it
		}
		st.MACInUse = net.HardwareAddr(p.info.HWAddr[:]).String()
		st.IfIndex = int64(p.info.IfIndex)
		st.LinkState, st.AdminState = "down", "down"
		if p.info.LinkUp {
			st.LinkState = "up"
		}
		if p.info.Config&1 == 0 { // OFPPC_PORT_DOWN clear
			st.AdminState = "up"
		}
		if p.hasLink {
			st.IfIndex = int64(p.link.IfIndex)
			if len(p.link.MAC) == 6 {
				st.MACInUse = p.link.MAC.String()
			}
			st.AdminState, st.LinkState = upDown(p.link.AdminUp), upDown(p.link.LinkUp)
			st.MTU = int64(p.link.MTU)
		}
		s := p.info.Stats
		st.Stats = map[string]int64{
			"rx_packets": int64(s.RxPackets), "rx_bytes": int64(s.RxBytes), "rx_dropped": int64(s.RxDropped),
			"tx_packets": int64(s.TxPackets), "tx_bytes": int64(s.TxBytes), "tx_dropped": int64(s.TxDropped),
		}
	} else if p.noDevice {
		st.LinkState = "down"
	}
	return st
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// writeControllers writes the Controller rows' connection status that
// changed.
func (d *daemon) writeControllers(ctx context.Context, cfg *ovsConfig) {
	if d.db == nil {
		return
	}
	var ops []any
	d.mu.RLock()
	for _, bc := range cfg.Bridges {
		b := d.bridges[bc.Name]
		if b == nil {
			continue
		}
		byTarget := map[string]ctrlStatus{}
		for _, s := range b.mgr.Status() {
			cs := ctrlStatus{Connected: s.Connected, Role: s.Role, Status: map[string]string{}}
			if s.State != "" {
				cs.Status["state"] = s.State
			}
			if s.SecSinceConnect >= 0 {
				cs.Status["sec_since_connect"] = strconv.Itoa(s.SecSinceConnect)
			}
			if s.SecSinceDisconnect >= 0 {
				cs.Status["sec_since_disconnect"] = strconv.Itoa(s.SecSinceDisconnect)
			}
			if s.LastError != "" {
				cs.Status["last_error"] = s.LastError
			}
			byTarget[s.Target] = cs
		}
		for _, cc := range bc.Controllers {
			cs, ok := byTarget[cc.Target]
			if !ok {
				continue
			}
			if old := d.lastCtrl[cc.UUID]; old != nil && old.Connected == cs.Connected && old.Role == cs.Role &&
				old.Status["state"] == cs.Status["state"] && old.Status["last_error"] == cs.Status["last_error"] {
				// Only the seconds counters moved: not worth a write
				// every second.
				continue
			}
			ops = append(ops, updateOp("Controller", cc.UUID, cs.row()))
			d.lastCtrl[cc.UUID] = &cs
		}
	}
	d.mu.RUnlock()
	if len(ops) == 0 {
		return
	}
	if err := transact(ctx, d.db, ops); err != nil {
		d.log.Warn("controller status write-back failed", "err", err)
		d.lastCtrl = map[string]*ctrlStatus{}
	}
}

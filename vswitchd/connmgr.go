package vswitchd

import (
	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/connmgr"
)

// Bridges run their controller sessions and management socket
// (<rundir>/BRIDGE.mgmt) with ofproto/connmgr.
func init() {
	newCtrlManager = func(d *daemon, bridge string, sw *ofproto.Switch) (ctrlManager, error) {
		m, err := connmgr.New(connmgr.Config{Bridge: bridge, Switch: sw, RunDir: d.cfg.RunDir,
			Log: d.cfg.Logs.Logger("connmgr").With("bridge", bridge)})
		if err != nil {
			return nil, err
		}
		return connmgrAdapter{m}, nil
	}
}

type connmgrAdapter struct{ m *connmgr.Manager }

func (a connmgrAdapter) SetControllers(cs []ctrlTarget) error {
	out := make([]connmgr.Controller, 0, len(cs))
	for _, c := range cs {
		out = append(out, connmgr.Controller{Target: c.Target, InactivityProbe: c.InactivityProbe,
			MaxBackoff: c.MaxBackoff, RateLimit: c.RateLimit, BurstLimit: c.BurstLimit})
	}
	return a.m.SetControllers(out)
}

func (a connmgrAdapter) SetProtocols(vs []uint8) error { return a.m.SetProtocols(vs) }

func (a connmgrAdapter) Status() []ctrlState {
	var out []ctrlState
	for _, s := range a.m.Status() {
		out = append(out, ctrlState{Target: s.Target, Connected: s.Connected, Role: s.Role, State: s.State,
			SecSinceConnect: s.SecSinceConnect, SecSinceDisconnect: s.SecSinceDisconnect, LastError: s.LastError})
	}
	return out
}

func (a connmgrAdapter) Close() error { return a.m.Close() }

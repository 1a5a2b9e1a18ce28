package vswitchd

import (
	"time"

	"github.com/xvs-switch/xvs/ofproto"
)

// ctrlTarget is one configured controller (a Controller row).
type ctrlTarget struct {
	Target          string
	InactivityProbe time.Duration // 0: default
	MaxBackoff      time.Duration // 0: default
	RateLimit       int           // packet-ins per second; 0: no limit
	BurstLimit      int           // 0: default
}

// ctrlState is a controller's connection state, for the Controller row.
type ctrlState struct {
	Target                              string
	Connected                           bool
	Role, State                         string
	SecSinceConnect, SecSinceDisconnect int // -1: never
	LastError                           string
}

// ctrlManager runs a bridge's controller sessions and its management
// socket (ofproto/connmgr).
type ctrlManager interface {
	SetControllers(cs []ctrlTarget) error
	// SetProtocols restricts the OpenFlow wire versions sessions
	// negotiate; none: every version xvs speaks.
	SetProtocols(versions []uint8) error
	Status() []ctrlState
	Close() error
}

// newCtrlManager makes a bridge's controller manager; connmgr.go sets it
// to the connmgr package's.
var newCtrlManager = func(d *daemon, bridge string, sw *ofproto.Switch) (ctrlManager, error) {
	return &noCtrl{sw: sw}, nil
}

// noCtrl stands in where no controller manager is built in: it tells the
// Switch how many controllers are configured (none connected), so the
// fail mode still behaves as with unreachable controllers.
type noCtrl struct {
	sw *ofproto.Switch
	cs []ctrlTarget
}

func (n *noCtrl) SetControllers(cs []ctrlTarget) error {
	n.cs = cs
	n.sw.SetControllers(len(cs), 0)
	return nil
}

func (n *noCtrl) SetProtocols([]uint8) error { return nil }

func (n *noCtrl) Status() []ctrlState {
	out := make([]ctrlState, 0, len(n.cs))
	for _, c := range n.cs {
		out = append(out, ctrlState{Target: c.Target, State: "VOID", SecSinceConnect: -1, SecSinceDisconnect: -1,
			LastError: "controller sessions are not built in"})
	}
	return out
}

func (n *noCtrl) Close() error { return nil }

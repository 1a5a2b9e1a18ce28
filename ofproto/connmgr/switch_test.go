package connmgr

import (
	"sync"
	"testing"

	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/ofproto"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// testSwitch is the real ofproto.Switch on the dummy datapath, with two
// ports (ofport 1 "xc-p1", 2 "xc-p2"); it records what the Manager tells
// it of its controllers.
type testSwitch struct {
	*ofproto.Switch
	dp *dummy.Datapath

	mu     sync.Mutex
	ctrls  [][2]int
	mods10 int // FlowMod10 and PortMod10 calls
}

func (s *testSwitch) FlowMod10(fm *ofp.FlowMod) error {
	s.mu.Lock()
	s.mods10++
	s.mu.Unlock()
	return s.Switch.FlowMod10(fm)
}

func (s *testSwitch) PortMod10(pm *ofp.PortMod) error {
	s.mu.Lock()
	s.mods10++
	s.mu.Unlock()
	return s.Switch.PortMod10(pm)
}

// calls10 counts the requests that reached the Switch's 1.0 entry points.
func (s *testSwitch) calls10() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mods10
}

func newTestSwitch(t testing.TB) *testSwitch {
	t.Helper()
	dp := dummy.New(dummy.Config{Name: "xc0"})
	sw, err := ofproto.New(ofproto.Config{Name: "xc0", Datapath: dp, RevalidateInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close(); dp.Close() })
	for _, name := range []string{"xc-p1", "xc-p2"} {
		if _, err := sw.AddPort(ofproto.PortSpec{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	return &testSwitch{Switch: sw, dp: dp}
}

func (s *testSwitch) SetControllers(configured, connected int) {
	s.mu.Lock()
	s.ctrls = append(s.ctrls, [2]int{configured, connected})
	s.mu.Unlock()
	s.Switch.SetControllers(configured, connected)
}

// controllers returns what the Switch was told last.
func (s *testSwitch) controllers() [2]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.ctrls) == 0 {
		return [2]int{-1, -1}
	}
	return s.ctrls[len(s.ctrls)-1]
}

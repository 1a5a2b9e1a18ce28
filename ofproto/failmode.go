package ofproto

import (
	"fmt"

	"github.com/xvs-switch/xvs/ofproto/classifier"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// FailMode is what the bridge does when no controller tells it anything
// (the Bridge table's fail_mode column, as in Open vSwitch).
type FailMode uint8

const (
	// FailStandalone: with no controller configured the bridge is a
	// learning switch (a visible "priority=0 actions=NORMAL" flow in
	// table 0); with controllers configured but none connected it forwards
	// with NORMAL through a hidden flow above every other.
	FailStandalone FailMode = iota
	// FailSecure: the bridge forwards only what its flow tables say.
	FailSecure
)

func (m FailMode) String() string {
	switch m {
	case FailStandalone:
		return "standalone"
	case FailSecure:
		return "secure"
	}
	return fmt.Sprintf("FailMode(%d)", uint8(m))
}

// ParseFailMode parses the fail_mode column: "" (the default, standalone),
// "standalone" or "secure".
func ParseFailMode(s string) (FailMode, error) {
	switch s {
	case "", "standalone":
		return FailStandalone, nil
	case "secure":
		return FailSecure, nil
	}
	return 0, fmt.Errorf("fail mode %q: want standalone or secure", s)
}

// applyFailMode installs or removes the fail-mode flows (as Open vSwitch's
// fail-open and "no controller" behaviour); s.mu is held.
//
//   - standalone, no controller configured: a visible
//     "priority=0 actions=NORMAL" flow in table 0, re-added after every
//     flush (ensureDefaultFlow);
//   - standalone, controllers configured, none connected: a hidden NORMAL
//     flow above every priority, removed when one connects;
//   - secure: neither.
func (s *Switch) applyFailMode() {
	wantOpen := s.failMode == FailStandalone && s.ctrlConfigured > 0 && s.ctrlConnected == 0
	switch {
	case wantOpen && s.failOpen == nil:
		s.failOpen = s.addInternalRule(hiddenPriority, true)
	case !wantOpen && s.failOpen != nil:
		s.removeRules([]*rule{s.failOpen}, noFlowRemoved)
		s.failOpen = nil
	}
	s.ensureDefaultFlow()
}

// ensureDefaultFlow adds "priority=0 actions=NORMAL" to table 0 when the
// bridge is standalone without controllers and table 0 has no flow of
// that match and priority. Otherwise it removes the one it added, if no
// flow-mod replaced or deleted it meanwhile, as Open vSwitch's
// bridge_configure_remotes() does when a bridge turns secure or gets a
// controller: from then on only the flows a controller adds forward.
// s.mu is held.
func (s *Switch) ensureDefaultFlow() {
	if s.failMode != FailStandalone || s.ctrlConfigured > 0 {
		if r := s.defaultFlow; r != nil && r.installed() {
			s.removeRules([]*rule{r}, noFlowRemoved)
		}
		s.defaultFlow = nil
		return
	}
	var any classifier.Match
	if s.tables[0].cls.Find(any, 0) != nil {
		return
	}
	s.defaultFlow = s.addInternalRule(0, false)
}

// addInternalRule installs "actions=NORMAL" at priority in table 0.
func (s *Switch) addInternalRule(priority int32, hidden bool) *rule {
	insts := []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: ofp.PortNormal}}}}
	r := &rule{table: 0, priority: priority, hidden: hidden, instList: newInstList(insts), created: s.stamp(s.now())}
	r.lastUsed = r.created
	var all classifier.Match
	affected := s.entriesMatching(0, &all)
	s.pull(affected)
	s.insertRule(r, all)
	for _, e := range affected {
		s.retranslate(e)
	}
	return r
}

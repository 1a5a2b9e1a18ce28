package connmgr

// Restricting the OpenFlow versions sessions may negotiate, as Open
// vSwitch's Bridge.protocols column does (ovs-vswitchd.conf.db(5)): the
// restriction applies to every session of the bridge, controllers,
// listeners and the management socket alike.

import (
	"fmt"
	"slices"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// SetProtocols restricts the OpenFlow wire versions (ofp.Version10,
// ofp.Version13) that sessions negotiate; none means every version xvs
// speaks. A version xvs does not speak is an error and changes nothing.
// When the set changes, every established session is closed so that it
// renegotiates, as Open vSwitch does: controllers reconnect, tools open a
// new connection.
func (m *Manager) SetProtocols(versions []uint8) error {
	next := make([]uint8, 0, len(localVersions))
	for _, v := range versions {
		if !slices.Contains(localVersions, v) {
			return fmt.Errorf("connmgr: OpenFlow version %s is not supported (xvs speaks %s)",
				ofp.VersionString(v), versionNames(localVersions))
		}
		if !slices.Contains(next, v) {
			next = append(next, v)
		}
	}
	if len(next) == 0 {
		next = append(next, localVersions...)
	}
	slices.Sort(next)
	old := m.protocols()
	if slices.Equal(old, next) {
		return nil
	}
	m.versions.Store(&next)
	m.mu.Lock()
	var all []*session
	for _, c := range m.ctrls {
		for s := range c.all {
			all = append(all, s)
		}
	}
	if m.mgmt != nil {
		for s := range m.mgmt.all {
			all = append(all, s)
		}
	}
	m.mu.Unlock()
	for _, s := range all {
		s.shut(fmt.Errorf("allowed OpenFlow versions changed to %s", versionNames(next)))
	}
	return nil
}

// Protocols returns the versions sessions may negotiate, in ascending
// order.
func (m *Manager) Protocols() []uint8 { return slices.Clone(m.protocols()) }

func (m *Manager) protocols() []uint8 {
	if p := m.versions.Load(); p != nil {
		return *p
	}
	return localVersions
}

// helloFor encodes the switch's hello for the allowed versions as Open
// vSwitch does (ofputil_encode_hello): the header carries the highest
// allowed version; the version bitmap (spec 1.3.5 §7.5.1) is left out
// only when it would add nothing, when 1.0 alone is allowed (a 1.0 hello
// has no body in 1.0's own spec).
func helloFor(allowed []uint8, xid uint32) ([]byte, error) {
	top := allowed[len(allowed)-1]
	if top == ofp.Version10 {
		return ofp.Marshal(ofp.Version10, xid, &ofp.Hello{})
	}
	return ofp.Marshal(top, xid, ofp.NewHello(allowed...))
}

func versionNames(vs []uint8) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += ofp.VersionString(v)
	}
	return s
}

package connmgr

// Controller roles (spec 1.3.5 §6.3.5, §7.3.9): equal (the default),
// master (at most one: a new master turns the old one into a slave) and
// slave (refused state changes, and by default only port-status
// messages). A master or slave request carries a generation id; one older
// than the newest seen (compared as a signed 64-bit difference, so that
// the id may wrap) is refused with OFPRRFC_STALE.

import (
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// changeRole applies a role request of s and returns the role and
// generation id to answer.
func (m *Manager) changeRole(s *session, role uint32, gen uint64) (uint32, uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if role != ofp.RoleNoChange {
		if role != ofp.RoleEqual {
			if m.genSeen && int64(gen-m.genID) < 0 {
				return 0, 0, newError(ofp.ETRoleRequestFailed, ofp.RRFCStale,
					"generation id %d is older than %d", gen, m.genID)
			}
			m.genID, m.genSeen = gen, true
		}
		if role == ofp.RoleMaster {
			// OpenFlow 1.3 has no role-status message (1.4 added it): the
			// old master learns of its demotion on its next request.
			for _, o := range *m.sessions.Load() {
				if o != s && o.role.Load() == ofp.RoleMaster {
					o.role.Store(ofp.RoleSlave)
				}
			}
		}
		s.role.Store(role)
	}
	gid := m.genID
	if !m.genSeen {
		gid = ^uint64(0) // "undefined", as a request without one says (§7.3.9)
	}
	return s.role.Load(), gid, nil
}

// roleName is the role as the Controller table's role column writes it.
func roleName(r uint32) string {
	switch r {
	case ofp.RoleMaster:
		return "master"
	case ofp.RoleSlave:
		return "slave"
	}
	return "other"
}

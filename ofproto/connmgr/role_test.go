package connmgr

import (
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func roleReq(t *testing.T, p *peer, role uint32, gen uint64) ofp.Role {
	t.Helper()
	hh, m := p.request(&ofp.RoleRequest{Role: ofp.Role{Role: role, GenerationID: gen}})
	r, ok := m.(*ofp.RoleReply)
	if !ok {
		t.Fatalf("role request %d/%d: got %s", role, gen, ofp.Format(hh, m))
	}
	return r.Role
}

// TestRoles: one master at a time (a new master demotes the old one to
// slave), stale generation ids refused (spec 1.3.5 §6.3.5), slaves refused
// state changes, and the Status roles.
func TestRoles(t *testing.T) {
	h := newHarness(t)
	l1, l2 := listenController(t), listenController(t)
	if err := h.m.SetControllers([]Controller{{Target: l1.target}, {Target: l2.target}}); err != nil {
		t.Fatal(err)
	}
	c1, c2 := l1.accept(ofp.Version13), l2.accept(ofp.Version13)

	if r := roleReq(t, c1, ofp.RoleNoChange, 0); r.Role != ofp.RoleEqual || r.GenerationID != ^uint64(0) {
		t.Fatalf("initial role %+v, want equal with an undefined generation id", r)
	}
	if r := roleReq(t, c1, ofp.RoleMaster, 10); r.Role != ofp.RoleMaster || r.GenerationID != 10 {
		t.Fatalf("master: %+v", r)
	}
	xid := c2.send(&ofp.RoleRequest{Role: ofp.Role{Role: ofp.RoleMaster, GenerationID: 9}})
	c2.expectError(xid, ofp.ETRoleRequestFailed, ofp.RRFCStale)
	if r := roleReq(t, c2, ofp.RoleMaster, 11); r.Role != ofp.RoleMaster || r.GenerationID != 11 {
		t.Fatalf("second master: %+v", r)
	}
	if r := roleReq(t, c1, ofp.RoleNoChange, 0); r.Role != ofp.RoleSlave || r.GenerationID != 11 {
		t.Fatalf("old master is %+v, want slave with generation 11", r)
	}
	st := h.m.Status()
	if st[0].Role != "slave" || st[1].Role != "master" {
		t.Fatalf("status roles %q %q", st[0].Role, st[1].Role)
	}

	// A slave may not change the switch.
	for _, m := range []ofp.Message{
		&ofp.FlowMod{Command: ofp.FlowAdd, TableID: 0, BufferID: 0xffffffff, OutPort: ofp.PortAny, OutGroup: 0xffffffff},
		&ofp.PacketOut{BufferID: 0xffffffff, InPort: ofp.PortController, Data: make([]byte, 60)},
		&ofp.TableMod{TableID: 0},
	} {
		xid := c1.send(m)
		c1.expectError(xid, ofp.ETBadRequest, ofp.BRCIsSlave)
	}
	xid = c1.send(&ofp.MultipartRequest{Body: &ofp.TableFeaturesRequest{Tables: []ofp.TableFeatures{{TableID: 0, Name: "t0"}}}})
	c1.expectError(xid, ofp.ETBadRequest, ofp.BRCIsSlave)
	// But it may read.
	if hh, m := c1.request(&ofp.FeaturesRequest{}); m == nil {
		t.Fatal("no features reply")
	} else if _, ok := m.(*ofp.FeaturesReply); !ok {
		t.Fatalf("slave features request: %s", ofp.Format(hh, m))
	}

	// The same generation is not stale; equal needs none; the id wraps.
	if r := roleReq(t, c1, ofp.RoleSlave, 11); r.Role != ofp.RoleSlave {
		t.Fatalf("slave again: %+v", r)
	}
	if r := roleReq(t, c1, ofp.RoleEqual, 0); r.Role != ofp.RoleEqual || r.GenerationID != 11 {
		t.Fatalf("equal: %+v", r)
	}
	if r := roleReq(t, c1, ofp.RoleMaster, 1<<63+5); r.Role != ofp.RoleMaster {
		t.Fatalf("master near the wrap: %+v", r)
	}
	if r := roleReq(t, c2, ofp.RoleMaster, 3); r.Role != ofp.RoleMaster {
		t.Fatalf("master after the wrap: %+v", r)
	}
	xid = c1.send(&ofp.RoleRequest{Role: ofp.Role{Role: 7}})
	c1.expectError(xid, ofp.ETRoleRequestFailed, ofp.RRFCBadRole)
	if r := roleReq(t, c1, ofp.RoleNoChange, 0); r.Role != ofp.RoleSlave {
		t.Fatalf("c1 after c2's takeover: %+v", r)
	}
}

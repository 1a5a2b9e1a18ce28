package normal

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestLearnLookup(t *testing.T) {
	clk := newClock()
	mt := NewMACTable(0, 0, clk.Now)
	if aging, size := mt.Limits(); aging != DefaultAging || size != DefaultSize {
		t.Fatalf("defaults: %v %d", aging, size)
	}
	ch, ev := mt.Learn(10, mac(1), 3)
	if ch == nil || *ch != (Change{VLAN: 10, MAC: mac(1), New: 3}) || ev != nil {
		t.Fatalf("first learn: %+v %+v", ch, ev)
	}
	if p, ok := mt.Lookup(10, mac(1)); !ok || p != 3 {
		t.Fatalf("lookup: %d %v", p, ok)
	}
	if _, ok := mt.Lookup(20, mac(1)); ok {
		t.Fatal("found in another VLAN")
	}
	if ch, _ := mt.Learn(10, mac(1), 3); ch != nil {
		t.Fatalf("relearn on the same port reported %+v", ch)
	}
	// Move.
	ch, _ = mt.Learn(10, mac(1), 4)
	if ch == nil || *ch != (Change{VLAN: 10, MAC: mac(1), Old: 3, New: 4}) {
		t.Fatalf("move: %+v", ch)
	}
	if p, _ := mt.Lookup(10, mac(1)); p != 4 {
		t.Fatalf("after move on %d", p)
	}
	// Never learned: multicast and broadcast sources, port 0.
	for _, m := range [][6]byte{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0x01, 0, 0x5e, 0, 0, 1}, {0x33, 0x33, 0, 0, 0, 1}} {
		if ch, _ := mt.Learn(10, m, 1); ch != nil {
			t.Errorf("learned multicast %x", m)
		}
		if _, ok := mt.Lookup(10, m); ok {
			t.Errorf("lookup of multicast %x found", m)
		}
	}
	if ch, _ := mt.Learn(10, mac(2), 0); ch != nil {
		t.Error("learned on port 0")
	}
	want := Stats{Current: 1, Max: DefaultSize, Learned: 1, Moved: 1}
	if s := mt.Stats(); s != want {
		t.Fatalf("stats %+v, want %+v", s, want)
	}
}

func TestAging(t *testing.T) {
	clk := newClock()
	mt := NewMACTable(10*time.Second, 0, clk.Now)
	mt.Learn(0, mac(1), 1)
	clk.Advance(4 * time.Second)
	mt.Learn(0, mac(2), 2)
	if at, ok := mt.NextExpiry(); !ok || !at.Equal(clk.Now().Add(6*time.Second)) {
		t.Fatalf("NextExpiry %v %v", at, ok)
	}
	clk.Advance(5 * time.Second) // mac1 9 s, mac2 5 s
	if ch := mt.Expire(); len(ch) != 0 {
		t.Fatalf("expired early: %+v", ch)
	}
	mt.Learn(0, mac(1), 1)       // seen again: refreshed, now younger than mac2
	clk.Advance(6 * time.Second) // mac1 6 s, mac2 11 s
	ch := mt.Expire()
	if want := []Change{{MAC: mac(2), Old: 2}}; !reflect.DeepEqual(ch, want) {
		t.Fatalf("Expire = %+v, want %+v", ch, want)
	}
	// Past its aging, an entry is not found even before Expire collects it.
	clk.Advance(4 * time.Second)
	if _, ok := mt.Lookup(0, mac(1)); ok {
		t.Fatal("lookup found an entry past its aging time")
	}
	// Learning it again before collection is a new learn, reported.
	c, _ := mt.Learn(0, mac(1), 1)
	if c == nil || *c != (Change{MAC: mac(1), New: 1}) {
		t.Fatalf("relearn after aging: %+v", c)
	}
	if s := mt.Stats(); s.Expired != 2 || s.Learned != 3 || s.Current != 1 {
		t.Fatalf("stats %+v", s)
	}
	// Lookups do not refresh.
	clk.Advance(9 * time.Second)
	mt.Lookup(0, mac(1))
	clk.Advance(time.Second)
	if ch := mt.Expire(); len(ch) != 1 {
		t.Fatalf("lookup refreshed the entry: %+v", ch)
	}
	if _, ok := mt.NextExpiry(); ok {
		t.Fatal("NextExpiry on an empty table")
	}
}

func TestEvictionLRU(t *testing.T) {
	clk := newClock()
	mt := NewMACTable(0, 3, clk.Now)
	for i := byte(1); i <= 3; i++ {
		mt.Learn(1, mac(i), uint32(i))
		clk.Advance(time.Second)
	}
	mt.Learn(1, mac(1), 1) // mac1 becomes the most recently learned
	ch, ev := mt.Learn(1, mac(4), 4)
	if ch == nil || ev == nil || *ev != (Change{VLAN: 1, MAC: mac(2), Old: 2}) {
		t.Fatalf("learn into a full table: %+v evicted %+v, want mac2 evicted", ch, ev)
	}
	if _, ok := mt.Lookup(1, mac(2)); ok {
		t.Fatal("evicted entry still found")
	}
	var order []byte
	for _, e := range mt.Entries() {
		order = append(order, e.MAC[5])
	}
	if !reflect.DeepEqual(order, []byte{3, 1, 4}) {
		t.Fatalf("LRU order %v, want [3 1 4]", order)
	}
	// Shrinking evicts the oldest.
	got := mt.SetLimits(0, 1)
	if len(got) != 2 || got[0].MAC != mac(3) || got[1].MAC != mac(1) {
		t.Fatalf("SetLimits evicted %+v", got)
	}
	if s := mt.Stats(); s.Evicted != 3 || s.Current != 1 || s.Max != 1 {
		t.Fatalf("stats %+v", s)
	}
	checkInvariants(t, mt)
}

func TestFlushAndDelete(t *testing.T) {
	mt := NewMACTable(0, 0, newClock().Now)
	mt.Learn(1, mac(1), 1)
	mt.Learn(1, mac(2), 2)
	mt.Learn(2, mac(3), 1)
	mt.Learn(2, mac(4), 2)
	if ch := mt.FlushPort(1); len(ch) != 2 || ch[0].Old != 1 || ch[1].MAC != mac(3) {
		t.Fatalf("FlushPort: %+v", ch)
	}
	if ch := mt.FlushVLAN(2); len(ch) != 1 || ch[0].MAC != mac(4) {
		t.Fatalf("FlushVLAN: %+v", ch)
	}
	if c, ok := mt.Delete(1, mac(2)); !ok || c.Old != 2 {
		t.Fatalf("Delete: %+v %v", c, ok)
	}
	if _, ok := mt.Delete(1, mac(2)); ok {
		t.Fatal("deleted twice")
	}
	mt.Learn(1, mac(1), 1)
	if ch := mt.Flush(); len(ch) != 1 || mt.Len() != 0 {
		t.Fatalf("Flush: %+v, %d left", ch, mt.Len())
	}
	mt.ClearStats()
	if s := mt.Stats(); s.Learned != 0 || s.Max != DefaultSize {
		t.Fatalf("after ClearStats %+v", s)
	}
}

func TestStaticEntries(t *testing.T) {
	clk := newClock()
	mt := NewMACTable(10*time.Second, 2, clk.Now)
	mt.Learn(0, mac(1), 1)
	ch, _, err := mt.AddStatic(0, mac(1), 2) // overrides a dynamic entry
	if err != nil || ch == nil || ch.Old != 1 || ch.New != 2 {
		t.Fatalf("AddStatic over dynamic: %+v %v", ch, err)
	}
	if ch, _ := mt.Learn(0, mac(1), 3); ch != nil {
		t.Fatal("learning moved a static entry")
	}
	clk.Advance(time.Hour)
	if ch := mt.Expire(); len(ch) != 0 {
		t.Fatalf("static entry expired: %+v", ch)
	}
	if p, ok := mt.Lookup(0, mac(1)); !ok || p != 2 {
		t.Fatalf("static lookup %d %v", p, ok)
	}
	mt.Learn(0, mac(2), 1)
	_, ev := mt.Learn(0, mac(3), 1) // full: evicts mac2, never the static one
	if ev == nil || ev.MAC != mac(2) {
		t.Fatalf("evicted %+v, want mac2", ev)
	}
	if _, _, err := mt.AddStatic(0, mac(4), 1); err != nil { // evicts mac3
		t.Fatal(err)
	}
	if _, _, err := mt.AddStatic(0, mac(5), 1); err == nil {
		t.Fatal("AddStatic into a table full of static entries succeeded")
	}
	if ch, _ := mt.Learn(0, mac(6), 1); ch != nil {
		t.Fatal("learned into a table full of static entries")
	}
	es := mt.Entries()
	if len(es) != 2 || !es[0].Static || es[0].Age != 0 {
		t.Fatalf("entries %+v", es)
	}
	if s := mt.Stats(); s.Static != 2 || s.Current != 2 {
		t.Fatalf("stats %+v", s)
	}
	if _, err := mt.DeleteStatic(0, mac(9)); !errors.Is(err, ErrNoStatic) {
		t.Fatalf("DeleteStatic of nothing: %v", err)
	}
	if c, err := mt.DeleteStatic(0, mac(1)); err != nil || c.Old != 2 {
		t.Fatalf("DeleteStatic: %+v %v", c, err)
	}
	if s := mt.Stats(); s.Static != 1 || s.Current != 1 {
		t.Fatalf("stats after delete %+v", s)
	}
	checkInvariants(t, mt)
	for _, bad := range []struct {
		vlan uint16
		m    [6]byte
		port uint32
	}{{0, [6]byte{1}, 1}, {4096, mac(1), 1}, {0, mac(1), 0}} {
		if _, _, err := mt.AddStatic(bad.vlan, bad.m, bad.port); err == nil {
			t.Errorf("AddStatic(%d, %x, %d) accepted", bad.vlan, bad.m, bad.port)
		}
	}
}

// TestEvictionFair replays what Open vSwitch 3.1 did with mac-table-size=10:
// one old entry on p2, nine on p1, then a new address on p3 evicts p1's
// oldest, not p2's older one.
func TestEvictionFair(t *testing.T) {
	clk := newClock()
	mt := NewMACTable(0, 10, clk.Now)
	mt.Learn(0, [6]byte{0x50, 0x54, 0, 0, 1, 1}, 2)
	for i := byte(1); i <= 9; i++ {
		clk.Advance(time.Millisecond)
		mt.Learn(0, [6]byte{0x50, 0x54, 0, 0, 2, i}, 1)
	}
	clk.Advance(time.Millisecond)
	_, ev := mt.Learn(10, [6]byte{0x50, 0x54, 0, 0, 3, 1}, 3)
	if ev == nil || *ev != (Change{MAC: [6]byte{0x50, 0x54, 0, 0, 2, 1}, Old: 1}) {
		t.Fatalf("evicted %+v, want p1's 50:54:00:00:02:01", ev)
	}
	// p1 still has the most (8): it keeps losing its oldest.
	_, ev = mt.Learn(10, [6]byte{0x50, 0x54, 0, 0, 3, 2}, 3)
	if ev == nil || ev.MAC[5] != 2 || ev.Old != 1 {
		t.Fatalf("second eviction %+v", ev)
	}
	checkInvariants(t, mt)
}

// checkInvariants checks that the lists agree with the map.
func checkInvariants(t *testing.T, mt *MACTable) {
	t.Helper()
	mt.mu.Lock()
	defer mt.mu.Unlock()
	n, dyn, static := 0, 0, 0
	for e := mt.lru.next; e != &mt.lru; e = e.next {
		n++
		if e.static {
			static++
		} else {
			dyn++
		}
		if mt.entries[e.macKey] != e {
			t.Fatalf("listed entry %v not in the map", e.macKey)
		}
	}
	perPort := 0
	for port, p := range mt.byPort {
		c := 0
		for e := p.head.pnext; e != &p.head; e = e.pnext {
			if e.port != port || e.static {
				t.Fatalf("entry %v (port %d, static %v) on port %d's list", e.macKey, e.port, e.static, port)
			}
			c++
		}
		if c != p.count || c == 0 {
			t.Fatalf("port %d: count %d, listed %d", port, p.count, c)
		}
		perPort += c
	}
	if n != len(mt.entries) || perPort != dyn || static != mt.static || n > mt.size {
		t.Fatalf("listed %d, map %d, per port %d, dynamic %d, static %d/%d, size %d", n, len(mt.entries), perPort, dyn, static, mt.static, mt.size)
	}
}

// TestRandomOperations runs random operations against a plain map model
// and checks lookups, sizes and the lists after each.
func TestRandomOperations(t *testing.T) {
	clk := newClock()
	const size = 16
	mt := NewMACTable(5*time.Second, size, clk.Now)
	type ent struct {
		port   uint32
		static bool
	}
	model := map[macKey]ent{}
	r := uint32(1)
	rnd := func(n int) int { r = r*1664525 + 1013904223; return int(r>>8) % n }
	for i := 0; i < 20000; i++ {
		k := macKey{uint16(rnd(3)), mac(byte(rnd(24)))}
		port := uint32(rnd(5) + 1)
		switch op := rnd(100); {
		case op < 60:
			ch, ev := mt.Learn(k.vlan, k.mac, port)
			if ev != nil {
				if e, ok := model[macKey{ev.VLAN, ev.MAC}]; !ok || e.static || e.port != ev.Old {
					t.Fatalf("op %d: evicted %+v, model %+v", i, ev, e)
				}
				delete(model, macKey{ev.VLAN, ev.MAC})
			}
			if e, ok := model[k]; ok && e.static {
				if ch != nil {
					t.Fatalf("op %d: learning changed a static entry", i)
				}
			} else if ch != nil || ok {
				model[k] = ent{port: port}
			}
		case op < 65:
			_, ev, err := mt.AddStatic(k.vlan, k.mac, port)
			if ev != nil {
				delete(model, macKey{ev.VLAN, ev.MAC})
			}
			if err == nil {
				model[k] = ent{port: port, static: true}
			}
		case op < 68:
			if _, err := mt.DeleteStatic(k.vlan, k.mac); err == nil {
				delete(model, k)
			}
		case op < 70:
			for _, c := range mt.FlushPort(port) {
				delete(model, macKey{c.VLAN, c.MAC})
			}
		case op < 90:
			clk.Advance(time.Duration(rnd(1500)) * time.Millisecond)
			for _, c := range mt.Expire() {
				if model[macKey{c.VLAN, c.MAC}].static {
					t.Fatalf("op %d: static entry expired", i)
				}
				delete(model, macKey{c.VLAN, c.MAC})
			}
		default:
			if p, ok := mt.Lookup(k.vlan, k.mac); ok && (model[k].port != p) {
				t.Fatalf("op %d: lookup %v = %d, model %+v", i, k, p, model[k])
			}
		}
		if mt.Len() != len(model) {
			t.Fatalf("op %d: table %d entries, model %d", i, mt.Len(), len(model))
		}
	}
	checkInvariants(t, mt)
}

func TestFloodVLANs(t *testing.T) {
	mt := NewMACTable(0, 0, nil)
	mt.Learn(10, mac(1), 1)
	mt.Learn(20, mac(2), 2)
	if ch := mt.SetFloodVLANs([]uint16{10}); len(ch) != 2 {
		t.Fatalf("changing flood-vlans flushed %+v, want everything", ch)
	}
	if ch := mt.SetFloodVLANs([]uint16{10}); ch != nil {
		t.Fatalf("same flood-vlans flushed %+v", ch)
	}
	if ch, _ := mt.Learn(10, mac(1), 1); ch != nil {
		t.Fatal("learned in a flood VLAN")
	}
	mt.AddStatic(10, mac(3), 1)
	if _, ok := mt.Lookup(10, mac(3)); ok {
		t.Fatal("lookup in a flood VLAN found an entry")
	}
	if ch, _ := mt.Learn(20, mac(2), 2); ch == nil {
		t.Fatal("did not learn in another VLAN")
	}
	mt.SetFloodVLANs(nil)
	if ch, _ := mt.Learn(10, mac(1), 1); ch == nil {
		t.Fatal("no learning after flood-vlans cleared")
	}
}

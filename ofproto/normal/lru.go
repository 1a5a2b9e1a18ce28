package normal

import "time"

// The table keeps every entry in two doubly linked lists, both in the
// order entries were last learned (oldest first): one of the whole table,
// for aging and fdb/show, and one per port, for eviction. Static entries
// are on the table's list only: they never age and are never evicted.

type macKey struct {
	vlan uint16
	mac  [6]byte
}

// macEntry is a table entry and its nodes in the lists.
type macEntry struct {
	macKey
	port       uint32
	seen       time.Time // last learned
	seq        uint64    // order of the last learn, for ties in time
	static     bool
	prev, next *macEntry // table list
	pprev      *macEntry // port list (dynamic entries only)
	pnext      *macEntry
	plist      *portEntries // the port list e is on; nil if none
}

// portEntries is the list of one port's dynamic entries.
type portEntries struct {
	head  macEntry // sentinel: head.pnext is the oldest
	count int
}

func newPortEntries() *portEntries {
	p := &portEntries{}
	p.head.pnext, p.head.pprev = &p.head, &p.head
	return p
}

// link appends e (newest) to the table list and, if dynamic, its port's.
func (t *MACTable) link(e *macEntry) {
	t.seq++
	e.seq = t.seq
	e.prev, e.next = t.lru.prev, &t.lru
	t.lru.prev.next = e
	t.lru.prev = e
	if e.static {
		return
	}
	p := t.byPort[e.port]
	if p == nil {
		p = newPortEntries()
		t.byPort[e.port] = p
	}
	e.pprev, e.pnext, e.plist = p.head.pprev, &p.head, p
	p.head.pprev.pnext = e
	p.head.pprev = e
	p.count++
}

// unlink takes e off both lists.
func (t *MACTable) unlink(e *macEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
	p := e.plist
	if p == nil {
		return
	}
	e.pprev.pnext, e.pnext.pprev = e.pnext, e.pprev
	e.pprev, e.pnext, e.plist = nil, nil, nil
	if p.count--; p.count == 0 {
		delete(t.byPort, e.port)
	}
}

// victim is the entry to evict, as Open vSwitch's evict_mac_entry_fairly
// chooses it (lib/mac-learning.c): the least recently learned entry of the
// port that has the most, so that one port flooding the table with source
// addresses pushes out its own entries rather than every other port's. Of
// ports with as many entries, the one whose oldest entry is oldest loses.
// The cost is one step per port holding entries, not per entry. Nil when
// every entry is static.
func (t *MACTable) victim() *macEntry {
	var best *portEntries
	for _, p := range t.byPort {
		if best == nil || p.count > best.count ||
			p.count == best.count && p.head.pnext.seq < best.head.pnext.seq {
			best = p
		}
	}
	if best == nil {
		return nil
	}
	return best.head.pnext
}

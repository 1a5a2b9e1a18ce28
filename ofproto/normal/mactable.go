package normal

import (
	"sync"
	"time"
)

// Defaults of the Bridge table's other_config:mac-aging-time and
// other_config:mac-table-size in ovs-vswitchd.conf.db(5).
const (
	DefaultAging = 300 * time.Second
	DefaultSize  = 8192
)

// Entry is one learned address, as fdb/show lists it.
type Entry struct {
	VLAN uint16
	MAC  [6]byte
	Port uint32        // OpenFlow port
	Age  time.Duration // since the source was last seen
}

// Stats are the counters of fdb/stats-show.
type Stats struct {
	Current, Max                     int // entries now, and the size limit
	Learned, Expired, Evicted, Moved uint64
}

// Change is a table update the caller must revalidate its flow cache for:
// flows toward (VLAN, MAC) were forwarded to Old (0: flooded) and must now
// go to New (0: be flooded).
type Change struct {
	VLAN     uint16
	MAC      [6]byte
	Old, New uint32 // OpenFlow ports; 0: none
}

type macKey struct {
	vlan uint16
	mac  [6]byte
}

// macEntry is a table entry and its node in the LRU list.
type macEntry struct {
	macKey
	port       uint32
	seen       time.Time // last learned
	prev, next *macEntry
}

// MACTable maps (VLAN, MAC) to the OpenFlow port the address was last seen
// on. Entries age out aging after the address was last seen as a source;
// when the table is full, learning a new address evicts the entry learned
// least recently. Entries are kept in a doubly linked list in the order they
// were last learned, so that aging, eviction and refresh are O(1): with one
// aging time for all, the least recently learned entry is also the first to
// expire. A MACTable is safe for concurrent use.
type MACTable struct {
	now func() time.Time

	mu sync.Mutex
	// mu protects the fields below.
	entries map[macKey]*macEntry
	lru     macEntry // sentinel: lru.next is the oldest entry, lru.prev the newest
	aging   time.Duration
	size    int
	stats   Stats
}

// NewMACTable returns an empty table. aging 0 means DefaultAging, size 0
// DefaultSize, now nil time.Now.
func NewMACTable(aging time.Duration, size int, now func() time.Time) *MACTable {
	if now == nil {
		now = time.Now
	}
	t := &MACTable{now: now, entries: make(map[macKey]*macEntry)}
	t.lru.next, t.lru.prev = &t.lru, &t.lru
	t.aging, t.size = limits(aging, size)
	return t
}

func limits(aging time.Duration, size int) (time.Duration, int) {
	if aging <= 0 {
		aging = DefaultAging
	}
	if size <= 0 {
		size = DefaultSize
	}
	return aging, size
}

// SetLimits changes the aging time and size limit (0: defaults) and
// returns the entries evicted to fit a smaller size. Entries now older than
// the new aging time go at the next Expire.
func (t *MACTable) SetLimits(aging time.Duration, size int) []Change {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.aging, t.size = limits(aging, size)
	var ch []Change
	for len(t.entries) > t.size {
		ch = append(ch, t.evictLocked())
	}
	return ch
}

// Limits returns the aging time and size limit in force.
func (t *MACTable) Limits() (aging time.Duration, size int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.aging, t.size
}

func (t *MACTable) unlink(e *macEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (t *MACTable) pushNewest(e *macEntry) {
	e.prev, e.next = t.lru.prev, &t.lru
	t.lru.prev.next = e
	t.lru.prev = e
}

func (t *MACTable) removeLocked(e *macEntry) {
	t.unlink(e)
	delete(t.entries, e.macKey)
}

// evictLocked removes the least recently learned entry; the table is not empty.
func (t *MACTable) evictLocked() Change {
	e := t.lru.next
	t.removeLocked(e)
	t.stats.Evicted++
	return Change{VLAN: e.vlan, MAC: e.mac, Old: e.port}
}

func (t *MACTable) expired(e *macEntry, now time.Time) bool {
	return now.Sub(e.seen) >= t.aging
}

// Learn records that mac was seen as a source in vlan on port. It returns
// the change when the address is new or moved (nil when it was already on
// port, which only refreshes it), and the entry evicted to make room, if
// any. Multicast and broadcast sources are never learned (nil, nil), nor is
// port 0.
func (t *MACTable) Learn(vlan uint16, mac [6]byte, port uint32) (changed, evicted *Change) {
	if mac[0]&1 != 0 || port == 0 {
		return nil, nil
	}
	now := t.now()
	k := macKey{vlan, mac}
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.entries[k]; ok {
		old := e.port
		if t.expired(e, now) {
			// Expired but not yet collected: Lookup already ignores it,
			// so this is a new learn; flows that flooded toward it since
			// must be revalidated, and so must flows to its old port.
			t.stats.Expired++
			t.stats.Learned++
			if old == port {
				old = 0
			}
			changed = &Change{VLAN: vlan, MAC: mac, Old: old, New: port}
		} else if old != port {
			t.stats.Moved++
			changed = &Change{VLAN: vlan, MAC: mac, Old: old, New: port}
		}
		e.port, e.seen = port, now
		t.unlink(e)
		t.pushNewest(e)
		return changed, nil
	}
	if len(t.entries) >= t.size {
		ev := t.evictLocked()
		evicted = &ev
	}
	e := &macEntry{macKey: k, port: port, seen: now}
	t.entries[k] = e
	t.pushNewest(e)
	t.stats.Learned++
	return &Change{VLAN: vlan, MAC: mac, New: port}, evicted
}

// Lookup returns the port mac was learned on in vlan. Multicast addresses
// are never found (they are flooded), nor are entries past their aging
// time that Expire has not collected yet. Lookup does not refresh an entry:
// only learning does, as in OVS.
func (t *MACTable) Lookup(vlan uint16, mac [6]byte) (port uint32, ok bool) {
	if mac[0]&1 != 0 {
		return 0, false
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[macKey{vlan, mac}]
	if !ok || t.expired(e, now) {
		return 0, false
	}
	return e.port, true
}

// Expire removes the entries not seen for the aging time and returns them.
func (t *MACTable) Expire() []Change {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var ch []Change
	for e := t.lru.next; e != &t.lru && t.expired(e, now); e = t.lru.next {
		t.removeLocked(e)
		t.stats.Expired++
		ch = append(ch, Change{VLAN: e.vlan, MAC: e.mac, Old: e.port})
	}
	return ch
}

// NextExpiry returns when the oldest entry expires (ok false when empty),
// so that a caller can sleep until then.
func (t *MACTable) NextExpiry() (at time.Time, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lru.next == &t.lru {
		return time.Time{}, false
	}
	return t.lru.next.seen.Add(t.aging), true
}

// Delete removes one entry (fdb/del) and reports whether it was there.
func (t *MACTable) Delete(vlan uint16, mac [6]byte) (Change, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[macKey{vlan, mac}]
	if !ok {
		return Change{}, false
	}
	t.removeLocked(e)
	return Change{VLAN: vlan, MAC: mac, Old: e.port}, true
}

// Flush removes every entry (fdb/flush) and returns them.
func (t *MACTable) Flush() []Change {
	return t.flushIf(func(*macEntry) bool { return true })
}

// FlushPort removes the entries learned on port, for a port deleted or
// whose VLAN configuration changed.
func (t *MACTable) FlushPort(port uint32) []Change {
	return t.flushIf(func(e *macEntry) bool { return e.port == port })
}

// FlushVLAN removes the entries of one VLAN.
func (t *MACTable) FlushVLAN(vlan uint16) []Change {
	return t.flushIf(func(e *macEntry) bool { return e.vlan == vlan })
}

func (t *MACTable) flushIf(match func(*macEntry) bool) []Change {
	t.mu.Lock()
	defer t.mu.Unlock()
	var ch []Change
	for e := t.lru.next; e != &t.lru; {
		next := e.next
		if match(e) {
			t.removeLocked(e)
			ch = append(ch, Change{VLAN: e.vlan, MAC: e.mac, Old: e.port})
		}
		e = next
	}
	return ch
}

// Entries lists the table least recently learned first, the order in which
// ovs-appctl fdb/show prints it (the LRU list of lib/mac-learning.c).
func (t *MACTable) Entries() []Entry {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Entry, 0, len(t.entries))
	for e := t.lru.next; e != &t.lru; e = e.next {
		out = append(out, Entry{VLAN: e.vlan, MAC: e.mac, Port: e.port, Age: now.Sub(e.seen)})
	}
	return out
}

// Len returns the number of entries.
func (t *MACTable) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

// Stats returns the counters; Max is the size limit.
func (t *MACTable) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.Current, s.Max = len(t.entries), t.size
	return s
}

package normal

import (
	"errors"
	"fmt"
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
	Age  time.Duration // since the source was last seen (0 for static entries)
	// Static entries (fdb/add) never age, are never evicted and are not
	// moved by learning.
	Static bool
}

// Stats are the counters of fdb/stats-show.
type Stats struct {
	Current, Max                     int // entries now (static ones included), and the size limit
	Static                           int // static entries now
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

// MACTable maps (VLAN, MAC) to the OpenFlow port the address was last seen
// on. Entries age out aging after the address was last seen as a source;
// when the table is full, learning a new address evicts the least recently
// learned entry of the port with the most entries (see victim). Entries are
// kept in lists in the order they were last learned, so that learning,
// refresh and aging are O(1): with one aging time for all, the least
// recently learned entry is also the first to expire. A MACTable is safe
// for concurrent use.
type MACTable struct {
	now func() time.Time

	mu sync.Mutex
	// mu protects the fields below.
	entries map[macKey]*macEntry
	lru     macEntry // sentinel: lru.next is the oldest entry, lru.prev the newest
	byPort  map[uint32]*portEntries
	flood   map[uint16]bool // VLANs where nothing is learned (flood-vlans)
	aging   time.Duration
	size    int
	static  int    // static entries
	seq     uint64 // learns so far, to order entries (macEntry.seq)
	stats   Stats
}

// NewMACTable returns an empty table. aging 0 means DefaultAging, size 0
// DefaultSize, now nil time.Now.
func NewMACTable(aging time.Duration, size int, now func() time.Time) *MACTable {
	if now == nil {
		now = time.Now
	}
	t := &MACTable{now: now, entries: make(map[macKey]*macEntry), byPort: make(map[uint32]*portEntries)}
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
		c, ok := t.evictLocked()
		if !ok {
			break
		}
		ch = append(ch, c)
	}
	return ch
}

// Limits returns the aging time and size limit in force.
func (t *MACTable) Limits() (aging time.Duration, size int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.aging, t.size
}

func (t *MACTable) removeLocked(e *macEntry) {
	t.unlink(e)
	delete(t.entries, e.macKey)
	if e.static {
		t.static--
	}
}

// evictLocked removes the victim; ok is false when every entry is static.
func (t *MACTable) evictLocked() (ch Change, ok bool) {
	e := t.victim()
	if e == nil {
		return Change{}, false
	}
	t.removeLocked(e)
	t.stats.Evicted++
	return Change{VLAN: e.vlan, MAC: e.mac, Old: e.port}, true
}

func (t *MACTable) expired(e *macEntry, now time.Time) bool {
	return !e.static && now.Sub(e.seen) >= t.aging
}

// Learn records that mac was seen as a source in vlan on port. It returns
// the change when the address is new or moved (nil when it was already on
// port, which only refreshes it), and the entry evicted to make room, if
// any. Multicast and broadcast sources are never learned (nil, nil), nor is
// port 0; a static entry is left as it is.
func (t *MACTable) Learn(vlan uint16, mac [6]byte, port uint32) (changed, evicted *Change) {
	if mac[0]&1 != 0 || port == 0 {
		return nil, nil
	}
	now := t.now()
	k := macKey{vlan, mac}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.flood[vlan] {
		return nil, nil
	}
	if e, ok := t.entries[k]; ok {
		if e.static {
			return nil, nil
		}
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
		t.unlink(e)
		e.port, e.seen = port, now
		t.link(e)
		return changed, nil
	}
	if len(t.entries) >= t.size {
		ev, ok := t.evictLocked()
		if !ok {
			return nil, nil // full of static entries
		}
		evicted = &ev
	}
	e := &macEntry{macKey: k, port: port, seen: now}
	t.entries[k] = e
	t.link(e)
	t.stats.Learned++
	return &Change{VLAN: vlan, MAC: mac, New: port}, evicted
}

// Refresh is Learn for callers that may not change the table (ofproto's
// upcall handlers, which run in parallel and must not change what other
// translations see without revalidating them): when learning mac on port
// would change nothing but the entry's age, it refreshes the entry as
// Learn does and reports true; when Learn would report a change (a new,
// moved or expired address, or an eviction) it leaves the table alone and
// reports false, and the caller learns under its exclusive lock.
func (t *MACTable) Refresh(vlan uint16, mac [6]byte, port uint32) bool {
	if mac[0]&1 != 0 || port == 0 {
		return true
	}
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.flood[vlan] {
		return true
	}
	e, ok := t.entries[macKey{vlan, mac}]
	switch {
	case !ok:
		return false
	case e.static:
		return true
	case t.expired(e, now) || e.port != port:
		return false
	}
	t.unlink(e)
	e.seen = now
	t.link(e)
	return true
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
	if t.flood[vlan] {
		return 0, false
	}
	e, ok := t.entries[macKey{vlan, mac}]
	if !ok || t.expired(e, now) {
		return 0, false
	}
	return e.port, true
}

// SetFloodVLANs sets the bridge's other_config:flood-vlans: VLANs in which
// nothing is learned and every frame is flooded, static entries included.
// When the set changes the whole table is flushed, as OVS does, and the
// flushed entries are returned.
func (t *MACTable) SetFloodVLANs(vlans []uint16) []Change {
	set := make(map[uint16]bool, len(vlans))
	for _, v := range vlans {
		set[v] = true
	}
	t.mu.Lock()
	same := len(set) == len(t.flood)
	for v := range set {
		same = same && t.flood[v]
	}
	if same {
		t.mu.Unlock()
		return nil
	}
	t.flood = set
	t.mu.Unlock()
	return t.Flush()
}

// Expire removes the entries not seen for the aging time and returns them.
func (t *MACTable) Expire() []Change {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var ch []Change
	// Dynamic entries are in expiry order; static ones, which never
	// expire, are stepped over.
	for e := t.lru.next; e != &t.lru; {
		next := e.next
		if !e.static {
			if !t.expired(e, now) {
				break
			}
			t.removeLocked(e)
			t.stats.Expired++
			ch = append(ch, Change{VLAN: e.vlan, MAC: e.mac, Old: e.port})
		}
		e = next
	}
	return ch
}

// NextExpiry returns when the oldest entry expires (ok false when empty),
// so that a caller can sleep until then.
func (t *MACTable) NextExpiry() (at time.Time, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for e := t.lru.next; e != &t.lru; e = e.next {
		if !e.static {
			return e.seen.Add(t.aging), true
		}
	}
	return time.Time{}, false
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
		en := Entry{VLAN: e.vlan, MAC: e.mac, Port: e.port, Static: e.static}
		if !e.static {
			en.Age = now.Sub(e.seen)
		}
		out = append(out, en)
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
	s.Current, s.Max, s.Static = len(t.entries), t.size, t.static
	return s
}

// ClearStats zeroes the learned, expired, evicted and moved counters
// (fdb/stats-clear).
func (t *MACTable) ClearStats() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats = Stats{}
}

// ErrNoStatic is returned by DeleteStatic for an address with no static entry.
var ErrNoStatic = errors.New("could not find static mac entry")

// AddStatic adds a static entry (fdb/add): mac in vlan is on port until
// DeleteStatic, whatever learning sees. A dynamic entry for the address
// becomes static. It returns the change, if the port differs from what the
// table said, and the entry evicted to make room, if any.
func (t *MACTable) AddStatic(vlan uint16, mac [6]byte, port uint32) (changed, evicted *Change, err error) {
	if mac[0]&1 != 0 {
		return nil, nil, fmt.Errorf("fdb: static entry for multicast address %s", FormatMAC(mac))
	}
	if vlan > MaxVID {
		return nil, nil, fmt.Errorf("fdb: vlan %d out of range 0..%d", vlan, MaxVID)
	}
	if port == 0 {
		return nil, nil, errors.New("fdb: static entry needs a port")
	}
	now := t.now()
	k := macKey{vlan, mac}
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[k]
	if ok {
		if e.port != port {
			old := e.port
			if t.expired(e, now) {
				old = 0
			}
			changed = &Change{VLAN: vlan, MAC: mac, Old: old, New: port}
		}
		if !e.static {
			t.static++
		}
		t.unlink(e)
		e.port, e.seen, e.static = port, now, true
		t.link(e)
		return changed, nil, nil
	}
	if len(t.entries) >= t.size {
		ev, ok := t.evictLocked()
		if !ok {
			return nil, nil, fmt.Errorf("fdb: table full (%d static entries)", t.static)
		}
		evicted = &ev
	}
	e = &macEntry{macKey: k, port: port, seen: now, static: true}
	t.entries[k] = e
	t.link(e)
	t.static++
	return &Change{VLAN: vlan, MAC: mac, New: port}, evicted, nil
}

// DeleteStatic removes a static entry (fdb/del).
func (t *MACTable) DeleteStatic(vlan uint16, mac [6]byte) (Change, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[macKey{vlan, mac}]
	if !ok || !e.static {
		return Change{}, ErrNoStatic
	}
	t.removeLocked(e)
	return Change{VLAN: vlan, MAC: mac, Old: e.port}, nil
}

package ebpf

import (
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// wideXDPPass is WIDE_XDP_PASS (common.h): the output of a port-wide
// entry needs an skb, so XDP passes the port's packets to TC.
const wideXDPPass = 1 << 31

// portWide is the port_wide array (maps.h) mapped into the process: each
// port's port-wide entry (datapath.PutPortWide), which the programs apply
// to every packet of the port ahead of the flow cache. A word holds the
// output port (with wideXDPPass) in its low half and the counter slot of
// the entry's flows copy in its high half; 0 is none. The entry itself
// stays in flows, under the key it was put with: Get, Delete, Dump and
// the counters find it there, and the word is what makes it port-wide.
// Words are written with one atomic store each, so a packet sees an
// entry whole. The flowTable's mu serialises the writers of a process.
type portWide struct {
	raw   []byte
	words []uint64 // indexed by port number, 0..maxPorts

	// counters is wide_counters: per CPU and port, every packet a
	// port-wide entry of the port took, the only count of such a packet
	// (maps.h). base is wide_base mapped: for each port, the sums of its
	// counters when its entry became port-wide (an entry's counts are
	// the port's since), and at 0 the hits of removed ports.
	counters *ebpf.Map
	ncpu     int
	baseRaw  []byte
	base     []tcportWideStats
}

func mapPortWide(m, counters, base *ebpf.Map) (*portWide, error) {
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, err
	}
	if m.MaxEntries() != maxPorts+1 || m.ValueSize() != 8 {
		return nil, fmt.Errorf("port_wide: %d values of %d bytes, not %d of 8", m.MaxEntries(), m.ValueSize(), maxPorts+1)
	}
	size := int(unsafe.Sizeof(tcportWideStats{}))
	if base.MaxEntries() != maxPorts+1 || int(base.ValueSize()) != size {
		return nil, fmt.Errorf("wide_base: %d values of %d bytes, not %d of %d", base.MaxEntries(), base.ValueSize(), maxPorts+1, size)
	}
	raw, err := mmapArray(m, 8)
	if err != nil {
		return nil, fmt.Errorf("port_wide: mmap: %w", err)
	}
	w := &portWide{raw: raw, words: unsafe.Slice((*uint64)(unsafe.Pointer(&raw[0])), m.MaxEntries()),
		counters: counters, ncpu: ncpu}
	if w.baseRaw, err = mmapArray(base, size); err != nil {
		w.close()
		return nil, fmt.Errorf("wide_base: mmap: %w", err)
	}
	w.base = unsafe.Slice((*tcportWideStats)(unsafe.Pointer(&w.baseRaw[0])), base.MaxEntries())
	return w, nil
}

// mmapArray maps a BPF_F_MMAPABLE array of values of size bytes.
func mmapArray(m *ebpf.Map, size int) ([]byte, error) {
	page := os.Getpagesize()
	n := (int(m.MaxEntries())*size + page - 1) &^ (page - 1)
	return unix.Mmap(m.FD(), 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
}

// start marks port's counters where an entry becomes port-wide, or has
// its counters reset: its counts are the port's from here on.
func (w *portWide) start(port uint32) error {
	s, err := w.sum(port)
	if err != nil {
		return err
	}
	b := &w.base[port]
	atomic.StoreUint64(&b.Packets, s.Packets)
	atomic.StoreUint64(&b.Bytes, s.Bytes)
	atomic.StoreUint64(&b.Used, s.Used)
	return nil
}

// entry returns the counts of port's port-wide entry: the port's since
// start. Used is 0 when no packet came since (jiffies: one in the same
// tick as the start reads as none). The base is read before the
// counters, and a count below it (a start in another process between
// the two reads) is 0, never a wrapped difference.
func (w *portWide) entry(port uint32) (tcportWideStats, error) {
	b := &w.base[port]
	base := tcportWideStats{Packets: atomic.LoadUint64(&b.Packets), Bytes: atomic.LoadUint64(&b.Bytes),
		Used: atomic.LoadUint64(&b.Used)}
	s, err := w.sum(port)
	if err != nil {
		return s, err
	}
	if s.Packets < base.Packets || s.Bytes < base.Bytes {
		return tcportWideStats{}, nil
	}
	s.Packets -= base.Packets
	s.Bytes -= base.Bytes
	if s.Used <= base.Used {
		s.Used = 0
	}
	return s, nil
}

// retire moves port's counters into the removed ports' hits and zeroes
// them, for the next port with the number (a port removed, or added
// where counts were left).
func (w *portWide) retire(port uint32) error {
	s, err := w.sum(port)
	if err != nil || s == (tcportWideStats{}) {
		return err
	}
	if err := w.counters.Update(port, make([]tcportWideStats, w.ncpu), ebpf.UpdateAny); err != nil {
		return fmt.Errorf("wide_counters: update: %w", err)
	}
	atomic.AddUint64(&w.base[0].Packets, s.Packets)
	atomic.AddUint64(&w.base[0].Bytes, s.Bytes)
	b := &w.base[port]
	atomic.StoreUint64(&b.Packets, 0)
	atomic.StoreUint64(&b.Bytes, 0)
	atomic.StoreUint64(&b.Used, 0)
	return nil
}

// hits returns the packets port-wide entries took on ports (the
// datapath's ports) and on ports removed before.
func (w *portWide) hits(ports []uint32) (uint64, error) {
	n := atomic.LoadUint64(&w.base[0].Packets)
	for _, p := range ports {
		s, err := w.sum(p)
		if err != nil {
			return 0, err
		}
		n += s.Packets
	}
	return n, nil
}

// sum returns port's counters over every CPU (used: the latest).
func (w *portWide) sum(port uint32) (tcportWideStats, error) {
	var all []tcportWideStats
	if err := w.counters.Lookup(port, &all); err != nil {
		return tcportWideStats{}, fmt.Errorf("wide_counters: lookup: %w", err)
	}
	var s tcportWideStats
	for _, c := range all {
		s.Packets += c.Packets
		s.Bytes += c.Bytes
		s.Used = max(s.Used, c.Used)
	}
	return s, nil
}

func (w *portWide) close() {
	if w.raw != nil {
		unix.Munmap(w.raw)
		w.raw, w.words = nil, nil
	}
	if w.baseRaw != nil {
		unix.Munmap(w.baseRaw)
		w.baseRaw, w.base = nil, nil
	}
}

func (w *portWide) load(port uint32) uint64 {
	if port == 0 || int(port) >= len(w.words) {
		return 0
	}
	return atomic.LoadUint64(&w.words[port])
}

// holds says whether port's port-wide entry is the flows entry counted
// in slot.
func (w *portWide) holds(port, slot uint32) bool {
	v := w.load(port)
	return v != 0 && uint32(v>>32) == slot
}

// set makes the entry counted in slot port's port-wide entry, with its
// output port out.
func (w *portWide) set(port, out, slot uint32, xdpPass bool) {
	v := uint64(slot)<<32 | uint64(out)
	if xdpPass {
		v |= wideXDPPass
	}
	atomic.StoreUint64(&w.words[port], v)
}

// clearPort ends port's port-wide entry, whichever it is.
func (w *portWide) clearPort(port uint32) {
	if port != 0 && int(port) < len(w.words) {
		atomic.StoreUint64(&w.words[port], 0)
	}
}

// clearAll ends every port-wide entry.
func (w *portWide) clearAll() {
	for i := range w.words {
		atomic.StoreUint64(&w.words[i], 0)
	}
}

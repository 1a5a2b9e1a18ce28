package ebpf

import (
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/xvs-switch/xvs/datapath"
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

	// counters is wide_counters: per CPU and port, the packets of the
	// port's port-wide entry, which the entry's slot does not count
	// while it is port-wide.
	counters *ebpf.Map
	ncpu     int
}

func mapPortWide(m, counters *ebpf.Map) (*portWide, error) {
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, err
	}
	if m.MaxEntries() != maxPorts+1 || m.ValueSize() != 8 {
		return nil, fmt.Errorf("port_wide: %d values of %d bytes, not %d of 8", m.MaxEntries(), m.ValueSize(), maxPorts+1)
	}
	size := (int(m.MaxEntries())*8 + os.Getpagesize() - 1) &^ (os.Getpagesize() - 1)
	raw, err := unix.Mmap(m.FD(), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("port_wide: mmap: %w", err)
	}
	return &portWide{raw: raw, words: unsafe.Slice((*uint64)(unsafe.Pointer(&raw[0])), m.MaxEntries()),
		counters: counters, ncpu: ncpu}, nil
}

// zero clears port's counters, before the port gets a port-wide entry
// (none counts there then) or when its entry's counters are reset.
func (w *portWide) zero(port uint32) error {
	if err := w.counters.Update(port, make([]tcportWideStats, w.ncpu), ebpf.UpdateAny); err != nil {
		return fmt.Errorf("wide_counters: update: %w", err)
	}
	return nil
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

// free says whether port may take the entry counted in slot as its
// port-wide entry: it has none, or that one.
func (w *portWide) free(port, slot uint32) bool {
	v := w.load(port)
	return v == 0 || uint32(v>>32) == slot
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

// drop ends port's port-wide entry if it is the one counted in slot.
func (w *portWide) drop(port, slot uint32) {
	if w.holds(port, slot) {
		atomic.StoreUint64(&w.words[port], 0)
	}
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

// wideOutput returns the output port of an encoded put that may be
// port-wide: asked for (PutPortWide), one output and nothing else, which
// a fast path runs, between ports the array holds.
func wideOutput(p *flowPut) (uint32, bool) {
	a := &p.e.fast
	if p.flags&datapath.PutPortWide == 0 || a.N != 1 || a.Flags&(flowSlowPath|flowUserspace) != 0 ||
		datapath.ActionKind(a.A[0].Kind) != datapath.KindOutput || p.e.long != nil {
		return 0, false
	}
	out := a.A[0].W
	if p.key.InPort == 0 || p.key.InPort > maxPorts || out == 0 || out > maxPorts {
		return 0, false
	}
	return out, true
}

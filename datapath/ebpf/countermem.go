package ebpf

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// counterChunk is how much of flow_counters is mapped at a time: 4,096
// slots of 64 bytes.
const counterChunk = 256 << 10

// counterMem is flow_counters mapped into the process a chunk at a time.
// Mapping a BPF array maps every page of the range at once (the kernel's
// array_map_mmap inserts them all), and each counts in the process's
// resident size: 12.2 MiB for the default 200,000 slots, whatever the
// number of cached flows. The running process takes slots from the
// bottom (a management handle from the top), so a datapath caching a few
// thousand flows uses the first chunk. The whole range is reserved once
// (PROT_NONE, nothing resident) and each chunk mapped over its place the
// first time one of its slots is used: mem stays one slice.
type counterMem struct {
	fd   int
	n    uint32 // slots
	base unsafe.Pointer
	size uintptr // the reservation: the array's pages
	mem  []tcportFlowStats

	mu     sync.Mutex    // serialises mapping
	mapped []atomic.Bool // per chunk, set once its pages are mapped
}

// mapCounters reserves the range of the mmapable array fd of n slots.
func mapCounters(fd int, n uint32) (*counterMem, error) {
	page := uintptr(os.Getpagesize())
	size := (uintptr(n)*uintptr(statsSize) + page - 1) &^ (page - 1)
	if size == 0 {
		return nil, fmt.Errorf("flow_counters: no slots")
	}
	base, err := unix.MmapPtr(-1, 0, nil, size, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("flow_counters: reserve %d bytes: %w", size, err)
	}
	return &counterMem{fd: fd, n: n, base: base, size: size,
		mem:    unsafe.Slice((*tcportFlowStats)(base), n),
		mapped: make([]atomic.Bool, (size+counterChunk-1)/counterChunk)}, nil
}

// slot returns slot i's counters, mapping its chunk first if need be.
func (c *counterMem) slot(i uint32) (*tcportFlowStats, error) {
	if i >= c.n {
		return nil, fmt.Errorf("flow_counters: slot %d out of range", i)
	}
	k := uintptr(i) * uintptr(statsSize) / counterChunk
	if !c.mapped[k].Load() {
		if err := c.mapChunk(k); err != nil {
			return nil, err
		}
	}
	return &c.mem[i], nil
}

func (c *counterMem) mapChunk(k uintptr) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mapped[k].Load() {
		return nil
	}
	if c.base == nil {
		return fmt.Errorf("flow_counters: closed")
	}
	off := k * counterChunk
	n := min(uintptr(counterChunk), c.size-off)
	_, err := unix.MmapPtr(c.fd, int64(off), unsafe.Add(c.base, off), n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_FIXED)
	if err != nil {
		return fmt.Errorf("flow_counters: mmap %d bytes at %d: %w", n, off, err)
	}
	c.mapped[k].Store(true)
	return nil
}

// chunks reports how many chunks are mapped.
func (c *counterMem) chunks() int {
	n := 0
	for i := range c.mapped {
		if c.mapped[i].Load() {
			n++
		}
	}
	return n
}

// close unmaps the whole range. Nothing may use the counters after it.
func (c *counterMem) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base != nil {
		unix.MunmapPtr(c.base, c.size)
		c.base, c.mem = nil, nil
	}
}

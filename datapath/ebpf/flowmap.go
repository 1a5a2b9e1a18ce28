package ebpf

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/xvs-switch/xvs/datapath"
)

// flowTable wraps the flows map (a per-CPU hash: every CPU's copy holds the
// same action list and that CPU's statistics) and long_lists.
type flowTable struct {
	m    *ebpf.Map
	long *ebpf.Map
	ncpu int
}

func newFlowTable(flows, long *ebpf.Map) (*flowTable, error) {
	n, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, err
	}
	return &flowTable{m: flows, long: long, ncpu: n}, nil
}

// entrySize is the size of one CPU's value: struct flow_entry, whose size
// is a multiple of 8, so per-CPU values follow each other without gaps.
const entrySize = int(unsafe.Sizeof(tcportFlowEntry{}))

func (t *flowTable) lookup(k *bpfKey) ([]tcportFlowEntry, error) {
	// Raw bytes, decoded by copying memory: cilium/ebpf's per-CPU
	// decoding goes through reflection for every CPU's value.
	raw, err := t.m.LookupBytes(k)
	if err != nil {
		return nil, fmt.Errorf("flows: lookup: %w", err)
	}
	if raw == nil {
		return nil, datapath.ErrNoSuchFlow
	}
	return t.decode(raw), nil
}

// decode splits one entry's per-CPU values.
func (t *flowTable) decode(raw []byte) []tcportFlowEntry {
	return t.decodeInto(make([]tcportFlowEntry, t.ncpu), raw)
}

// decodeInto splits one entry's per-CPU values into vals (ncpu long).
func (t *flowTable) decodeInto(vals []tcportFlowEntry, raw []byte) []tcportFlowEntry {
	for i := range vals {
		copy(entryBytes(&vals[i]), raw[i*entrySize:])
	}
	return vals
}

// dumpBatch calls fn with successive batches of entries read with
// BPF_MAP_LOOKUP_BATCH: one syscall per batch instead of a next-key and a
// lookup per entry. The kernel walks the hash bucket by bucket, so an
// entry present for the whole walk is seen exactly once. It returns
// errBatchUnsupported when the kernel lacks batch lookups.
//
// fn gets the keys and, for key i, its per-CPU values at raw[i*stride:]
// (stride = ncpu × entrySize), valid until fn returns.
func (t *flowTable) dumpBatch(fn func(keys []bpfKey, raw []byte) error) error {
	batch := 256
	keys := make([]bpfKey, batch)
	raw := make([]byte, batch*t.ncpu*entrySize)
	var cursor ebpf.MapBatchCursor
	first := true
	for {
		n, err := t.m.BatchLookup(&cursor, keys, raw, nil)
		done := errors.Is(err, ebpf.ErrKeyNotExist)
		switch {
		case err == nil, done:
		case errors.Is(err, unix.ENOSPC) && batch < 1<<16:
			// One bucket holds more entries than a batch: retry
			// from the same bucket with room for it.
			batch *= 2
			keys = make([]bpfKey, batch)
			raw = make([]byte, batch*t.ncpu*entrySize)
			continue
		case first && (errors.Is(err, unix.EINVAL) || errors.Is(err, ebpf.ErrNotSupported)):
			return errBatchUnsupported
		default:
			return fmt.Errorf("flows: batch lookup: %w", err)
		}
		first = false
		if n > 0 {
			if err := fn(keys[:n], raw); err != nil {
				return err
			}
		}
		if done {
			return nil
		}
	}
}

var errBatchUnsupported = errors.New("flows: batch lookup not supported")

// put writes an entry. stats, when not nil, are the per-CPU statistics to
// keep (a modify); otherwise they start at zero.
func (t *flowTable) put(k *bpfKey, e encodedList, stats []tcportFlowStats, flags ebpf.MapUpdateFlags) error {
	if e.long != nil {
		if err := t.long.Update(k, e.long, ebpf.UpdateAny); err != nil {
			return fmt.Errorf("long_lists: update: %w", err)
		}
	} else if flags != ebpf.UpdateNoExist || readsLong(&e.fast) {
		// A new entry that does not read long_lists (flow) needs no
		// delete of a stale list: delete removes a flow's list with it,
		// and the syscall is a tenth of a new flow's cost.
		if err := t.long.Delete(k); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			return fmt.Errorf("long_lists: delete: %w", err)
		}
	}
	vals := perCPUEntries(e.fast, stats, t.ncpu)
	err := t.m.Update(k, vals, flags)
	// Entries are allocated on insert from per-CPU caches that the
	// kernel refills asynchronously: a burst can drain them. The refill
	// usually takes tens of microseconds, so back off from 20 µs
	// (doubling, at most 1 ms a wait) rather than a millisecond each
	// time; the caller still gets ErrTooManyFlows after about 50 ms.
	for wait, waited := 20*time.Microsecond, time.Duration(0); errors.Is(err, unix.ENOMEM) && waited < 50*time.Millisecond; wait = min(2*wait, time.Millisecond) {
		time.Sleep(wait)
		waited += wait
		err = t.m.Update(k, vals, flags)
	}
	if err != nil {
		switch {
		case errors.Is(err, ebpf.ErrKeyExist):
			return datapath.ErrFlowExists
		case errors.Is(err, ebpf.ErrKeyNotExist):
			return datapath.ErrNoSuchFlow
		case errors.Is(err, unix.E2BIG), errors.Is(err, unix.ENOMEM):
			return datapath.ErrTooManyFlows
		}
		return fmt.Errorf("flows: update: %w", err)
	}
	return nil
}

// readsLong reports whether flow looks an entry's list up in long_lists.
func readsLong(fast *tcportFlowActions) bool {
	return fast.Flags&(flowSlowPath|flowUserspace) != 0 && fast.N == 0
}

// perCPUEntries encodes the per-CPU values of an entry as byte slices, one
// per CPU: cilium/ebpf copies []byte elements as they are, where a slice
// of structs goes through encoding/binary's reflection for every CPU (half
// the cost of a new flow). Without stats every CPU shares one encoding.
func perCPUEntries(acts tcportFlowActions, stats []tcportFlowStats, ncpu int) [][]byte {
	vals := make([][]byte, ncpu)
	if stats == nil {
		b := entryBytes(&tcportFlowEntry{Acts: acts})
		for i := range vals {
			vals[i] = b
		}
		return vals
	}
	for i := range vals {
		vals[i] = entryBytes(&tcportFlowEntry{Acts: acts, Stats: stats[i]})
	}
	return vals
}

// entryBytes returns the memory of e as the kernel reads it: bpf2go's
// struct has the C layout and no padding (TestEntryBytesLayout checks
// that it encodes as encoding/binary would).
func entryBytes(e *tcportFlowEntry) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(e)), unsafe.Sizeof(*e))
}

func (t *flowTable) delete(k *bpfKey) error {
	if err := t.m.Delete(k); err != nil {
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return datapath.ErrNoSuchFlow
		}
		return fmt.Errorf("flows: delete: %w", err)
	}
	if err := t.long.Delete(k); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
		return fmt.Errorf("long_lists: delete: %w", err)
	}
	return nil
}

// flow builds a datapath.Flow from the per-CPU values of an entry.
func (t *flowTable) flow(k *bpfKey, vals []tcportFlowEntry, clock monoClock) (datapath.Flow, error) {
	f := datapath.Flow{Key: keyFromBPF(*k), Mask: datapath.ExactMask()}
	if len(vals) == 0 {
		return f, errors.New("flows: no values")
	}
	var long *tcportLongActions
	if vals[0].Acts.Flags&(flowSlowPath|flowUserspace) != 0 && vals[0].Acts.N == 0 {
		long = new(tcportLongActions)
		if err := t.long.Lookup(k, long); err != nil {
			long = nil
		}
	}
	acts, err := decodeActions(&vals[0].Acts, long)
	if err != nil {
		return f, err
	}
	f.Actions = acts
	f.SlowPath = vals[0].Acts.Flags&(flowSlowPath|flowUserspace) != 0
	f.Stats = sumStats(vals, clock)
	return f, nil
}

func sumStats(vals []tcportFlowEntry, clock monoClock) datapath.FlowStats {
	var s datapath.FlowStats
	var used uint64
	for i := range vals {
		st := &vals[i].Stats
		s.Packets += st.Packets
		s.Bytes += st.Bytes
		s.TCPFlags |= st.TcpFlags
		used = max(used, st.UsedNs)
	}
	if used != 0 {
		s.Used = clock.toTime(used)
	}
	return s
}

func perCPUStats(vals []tcportFlowEntry) []tcportFlowStats {
	out := make([]tcportFlowStats, len(vals))
	for i := range vals {
		out[i] = vals[i].Stats
	}
	return out
}

// count returns the number of entries.
func (t *flowTable) count() (uint64, error) {
	var n uint64
	var k, next bpfKey
	var kp any
	for {
		err := t.m.NextKey(kp, &next)
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("flows: next key: %w", err)
		}
		n++
		k = next
		kp = &k
	}
}

// keys returns every key (for a dump or a flush).
func (t *flowTable) keys() ([]bpfKey, error) {
	var out []bpfKey
	var k bpfKey
	var kp any
	for {
		var next bpfKey
		err := t.m.NextKey(kp, &next)
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("flows: next key: %w", err)
		}
		out = append(out, next)
		k = next
		kp = &k
	}
}

// monoClock converts bpf_ktime_get_ns (CLOCK_MONOTONIC) to wall time.
type monoClock struct{}

func (monoClock) toTime(ns uint64) time.Time {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return time.Time{}
	}
	now := uint64(ts.Nano())
	if ns > now {
		return time.Now()
	}
	return time.Now().Add(-time.Duration(now - ns))
}

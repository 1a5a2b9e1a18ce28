package ebpf

import (
	"testing"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// BenchmarkMapInsert*: the cost of inserting a new entry into a hash map
// shaped like flows (a flow_key, a flow_entry value; 200,000 entries),
// alone: allocated on insert (BPF_F_NO_PREALLOC, what flows uses) or
// preallocated (~194 MB up front at this size), one update a syscall or
// 256 with BPF_MAP_UPDATE_BATCH. ns/op is per entry.
func benchMapInsert(b *testing.B, flags uint32, batch bool) {
	testenv.RequireRoot(b)
	m, err := ebpf.NewMap(&ebpf.MapSpec{Type: ebpf.Hash, KeySize: uint32(keySize), ValueSize: uint32(entrySize), MaxEntries: 200000, Flags: flags})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	keys := make([]bpfKey, 100000)
	for i := range keys {
		keys[i].InPort = uint32(i)
		keys[i].TpSrc = uint16(i)
	}
	vals := make([]tcportFlowEntry, 256)
	b.ResetTimer()
	for i := 0; i < b.N; {
		lo := i % len(keys)
		if lo == 0 && i > 0 {
			b.StopTimer()
			var c ebpf.MapBatchCursor
			kk := make([]bpfKey, 4096)
			vv := make([]tcportFlowEntry, 4096)
			for {
				_, err := m.BatchLookupAndDelete(&c, kk, vv, nil)
				if err != nil {
					break
				}
			}
			b.StartTimer()
		}
		if batch {
			n := min(256, b.N-i, len(keys)-lo)
			if _, err := m.BatchUpdate(keys[lo:lo+n], vals[:n], nil); err != nil {
				b.Fatal(err)
			}
			i += n
		} else {
			if err := m.Update(&keys[lo], entryBytes(&vals[0]), ebpf.UpdateNoExist); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
}

func BenchmarkMapInsertNoPrealloc(b *testing.B)      { benchMapInsert(b, unix.BPF_F_NO_PREALLOC, false) }
func BenchmarkMapInsertPrealloc(b *testing.B)        { benchMapInsert(b, 0, false) }
func BenchmarkMapInsertNoPreallocBatch(b *testing.B) { benchMapInsert(b, unix.BPF_F_NO_PREALLOC, true) }
func BenchmarkMapInsertPreallocBatch(b *testing.B)   { benchMapInsert(b, 0, true) }

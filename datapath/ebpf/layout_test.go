package ebpf

import (
	"bytes"
	"encoding/binary"
	"testing"
	"unsafe"
)

// TestEntryBytesLayout: the structs whose memory the hot paths copy
// directly (entryBytes, decodeUpcall) have no padding, so their memory is
// what encoding/binary (and the C side) would have.
func TestEntryBytesLayout(t *testing.T) {
	e := tcportFlowEntry{Slot: 12345}
	e.Acts.Flags, e.Acts.N = 5, 2
	e.Acts.A[1] = tcportAction{Kind: 6, B: 7, H: 8, W: 9, Data: [16]uint8{10, 11}}
	want, err := binary.Append(nil, binary.NativeEndian, &e)
	if err != nil {
		t.Fatal(err)
	}
	if got := entryBytes(&e); !bytes.Equal(got, want) {
		t.Errorf("entryBytes differs from encoding/binary (padding in tcportFlowEntry?)")
	}
	st := []tcportFlowStats{{Packets: 1, Bytes: 2, Used: 3, TcpFlags: 4}, {Packets: 5}}
	want, err = binary.Append(nil, binary.NativeEndian, st)
	if err != nil {
		t.Fatal(err)
	}
	if got := statsBytes(st); !bytes.Equal(got, want) || statsSize != 64 {
		t.Errorf("statsBytes differs from encoding/binary, or flow_stats is not a 64-byte cache line (%d)", statsSize)
	}
	if n := binary.Size(tcportUpcallMeta{}); n != int(unsafe.Sizeof(tcportUpcallMeta{})) || n != metaSize {
		t.Errorf("upcall_meta: binary size %d, memory size %d", n, unsafe.Sizeof(tcportUpcallMeta{}))
	}
	m := tcportUpcallMeta{InPort: 1, Reason: 2, Cookie: 3, PktLen: 4, CapLen: 0, SkbVlanTpid: 0x8100, SkbVlanTci: 5}
	m.Key.TpDst = 80
	raw, err := binary.Append(nil, binary.NativeEndian, &m)
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, make([]byte, 60)...)
	u, ok := decodeUpcall(raw)
	if !ok || u.InPort != 1 || u.Reason != 2 || u.Cookie != 3 || u.Key.TPDst != 80 {
		t.Errorf("decodeUpcall: %+v %v", u, ok)
	}
}

// TestFlowKeyLayout: batch lookups hand keys back as raw memory.
func TestFlowKeyLayout(t *testing.T) {
	if n := binary.Size(bpfKey{}); n != int(unsafe.Sizeof(bpfKey{})) {
		t.Errorf("flow_key: binary size %d, memory size %d (padding)", n, unsafe.Sizeof(bpfKey{}))
	}
	ks := []bpfKey{{InPort: 1}, {TpDst: 2}}
	want, err := binary.Append(nil, binary.NativeEndian, ks)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(keysBytes(ks), want) {
		t.Error("keysBytes differs from encoding/binary")
	}
}

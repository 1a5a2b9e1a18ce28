package ebpf

import (
	"encoding/binary"
	"errors"
	"unsafe"

	"github.com/cilium/ebpf/ringbuf"

	"github.com/xvs-switch/xvs/datapath"
)

var metaSize = int(unsafe.Sizeof(tcportUpcallMeta{}))

// readUpcalls moves records from the upcall ring to the Upcalls channel
// until the reader is closed. The channel send never blocks: a full
// channel drops the upcall and counts it lost, like a full ring does in
// the kernel. It owns d.upcalls and closes it.
func (d *Datapath) readUpcalls(rd *ringbuf.Reader) {
	defer close(d.readerDone)
	defer close(d.upcalls)
	var rec ringbuf.Record
	for {
		if err := rd.ReadInto(&rec); err != nil {
			if errors.Is(err, ringbuf.ErrClosed) {
				return
			}
			continue
		}
		u, ok := decodeUpcall(rec.RawSample)
		if !ok {
			continue
		}
		if u.Reason == reasonInternal {
			d.runInternal(u)
			continue
		}
		d.deliver(u)
	}
}

// deliver queues an upcall without blocking; a full queue counts it lost.
func (d *Datapath) deliver(u datapath.Upcall) {
	select {
	case d.upcalls <- u:
	default:
		d.userLost.Add(1)
	}
}

// decodeUpcall parses struct upcall_meta and the frame bytes after it.
// cap_len says how much of what follows the metadata is frame.
func decodeUpcall(raw []byte) (datapath.Upcall, bool) {
	if len(raw) < metaSize {
		return datapath.Upcall{}, false
	}
	// A copy of the struct's memory, not encoding/binary (a microsecond
	// of reflection per upcall): bpf2go's struct has the C layout and no
	// padding (TestEntryBytesLayout).
	var m tcportUpcallMeta
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&m)), metaSize), raw)
	frame := raw[metaSize:]
	if int(m.CapLen) <= len(frame) {
		frame = frame[:m.CapLen]
	}
	out := make([]byte, 0, len(frame)+4)
	if m.SkbVlanTpid != 0 && len(frame) >= 12 {
		// TC saw the outer tag already taken out of the frame (VLAN
		// offload): put it back where it was on the wire.
		out = append(out, frame[:12]...)
		out = binary.BigEndian.AppendUint16(out, m.SkbVlanTpid)
		out = binary.BigEndian.AppendUint16(out, m.SkbVlanTci)
		out = append(out, frame[12:]...)
	} else {
		out = append(out, frame...)
	}
	key := keyFromBPF(m.Key)
	completeChecksum(out, key)
	return datapath.Upcall{
		Reason: datapath.UpcallReason(m.Reason),
		InPort: m.InPort,
		Cookie: m.Cookie,
		Key:    key,
		Frame:  out,
	}, true
}

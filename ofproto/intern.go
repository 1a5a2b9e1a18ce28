package ofproto

import (
	"runtime"
	"sync"
	"weak"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// instList is one interned instruction list and its decoding. Rules must
// not modify it: every rule with the same instructions (same wire bytes)
// shares it.
type instList struct {
	insts []ofp.Instruction

	// Decoded instructions (spec 1.3.5 §5.9).
	meter    uint32 // 0: none
	apply    []ofp.Action
	clear    bool
	write    []ofp.Action
	hasWrite bool
	mdValue  uint64
	mdMask   uint64 // 0: no write-metadata
	gotoT    int    // -1: none
}

// newInstList returns is decoded, not shared.
func newInstList(is []ofp.Instruction) *instList {
	l := &instList{insts: is}
	l.decode()
	return l
}

// instInterner shares identical instruction lists between rules. A table
// of 100,000 flows typically has a few thousand distinct action lists, and
// a decoded list costs ~200 bytes (instruction, action slices, actions,
// set-field values): sharing them is a fifth of a rule's memory. Entries
// are weak: a list no rule uses any more is collected, and a cleanup
// removes its key. Its own mutex: the cleanups run outside the Switch's
// lock.
type instInterner struct {
	mu  sync.Mutex
	m   map[string]weak.Pointer[instList]
	buf []byte
}

// get returns the shared list of is's instructions (is itself the first
// time).
func (in *instInterner) get(is []ofp.Instruction) *instList {
	in.mu.Lock()
	defer in.mu.Unlock()
	b, err := ofp.AppendInstructions(in.buf[:0], is)
	if err != nil {
		return newInstList(is) // not encodable: not shared
	}
	in.buf = b
	if wp, ok := in.m[string(b)]; ok {
		if p := wp.Value(); p != nil {
			return p
		}
	}
	if in.m == nil {
		in.m = make(map[string]weak.Pointer[instList])
	}
	p := newInstList(is)
	key := string(b)
	in.m[key] = weak.Make(p)
	runtime.AddCleanup(p, in.forget, key)
	return p
}

// forget removes key once its list is collected (unless a new list took
// the key meanwhile).
func (in *instInterner) forget(key string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if wp, ok := in.m[key]; ok && wp.Value() == nil {
		delete(in.m, key)
	}
}

// len returns the number of keys held (tests).
func (in *instInterner) len() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.m)
}

package datapath

import "fmt"

// UpcallReason says why a packet went to userspace.
type UpcallReason uint8

const (
	// ReasonMiss: no cache entry matched.
	ReasonMiss UpcallReason = iota
	// ReasonUserspace: a Userspace action sent it; Cookie is the action's.
	ReasonUserspace
	// ReasonSlowPath: the matching entry is marked slow path (its actions
	// cannot run in the fast path, or carry a SlowPath marker); userspace
	// looks the entry up and runs it with Execute.
	ReasonSlowPath
	// ReasonInvalidTTL: DecTTL or DecMPLSTTL found a TTL of 0 or 1; the
	// rest of the action list did not run.
	ReasonInvalidTTL
)

var reasonNames = [...]string{"miss", "userspace", "slow_path", "invalid_ttl"}

func (r UpcallReason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("UpcallReason(%d)", r)
}

// Upcall is one packet sent to userspace.
type Upcall struct {
	Reason UpcallReason
	InPort uint32
	Cookie uint64  // the Userspace action's cookie; 0 otherwise
	Key    FlowKey // Extract(Frame, InPort): for misses, the key that missed
	// Frame is the whole frame (up to the MTU) as it was when sent up:
	// for ReasonUserspace, with the edits of the actions before it.
	Frame []byte
}

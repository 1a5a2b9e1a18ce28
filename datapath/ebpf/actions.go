package ebpf

import (
	"fmt"

	"github.com/xvs-switch/xvs/datapath"
)

// Constants of datapath/bpf/lib/common.h that bpf2go cannot see (macros).
const (
	maxFastActions = 32     // XVS_MAX_ACTIONS
	maxLongActions = 256    // XVS_MAX_LONG_ACTIONS
	flowSlowPath   = 1 << 0 // FLOW_F_SLOWPATH
	flowXDPSlow    = 1 << 1 // FLOW_F_XDP_SLOW
	flowUserspace  = 1 << 2 // FLOW_F_USERSPACE
	reasonInternal = 4      // UPCALL_INTERNAL
	outLast        = 1 << 0 // OUT_F_LAST
	upcallMax      = 65000  // XVS_UPCALL_MAX
	maxPorts       = 1024   // XVS_MAX_PORTS
	maxBands       = 8      // XVS_MAX_BANDS
	meterPPS       = 1 << 0 // METER_F_PKTPS
	bandDrop       = 1      // METER_BAND_DROP
	bandDSCP       = 2      // METER_BAND_DSCP
	dpCounters     = 6      // DP_NCOUNTERS
	dpHit          = 0      // DP_HIT
	dpMissed       = 1      // DP_MISSED
	dpLost         = 2      // DP_LOST
	dpSlowPath     = 3      // DP_SLOWPATH
	dpExec         = 4      // DP_EXEC
	dpMeterDrop    = 5      // DP_METER_DROP
)

// encodedList is an action list as the maps hold it.
type encodedList struct {
	fast tcportFlowActions
	long *tcportLongActions // the whole list when it is longer than fast
	slow bool               // the list carries the SlowPath marker
	user bool               // the BPF code cannot run it: userspace does
}

// encodeActions encodes list for key. Lists with the SlowPath marker send
// their packets up (FLOW_F_SLOWPATH); lists the BPF code cannot run are run
// by the datapath's userspace (FLOW_F_USERSPACE). An output is deferred to
// the program's verdict (bpf_redirect) only when it is the list's last
// action, so that nothing after it can change what it sends; every other
// output is a clone. XDP has no clone: a list with another output, or with
// actions after its output, passes to TC (FLOW_F_XDP_SLOW).
func encodeActions(key datapath.FlowKey, list []datapath.Action) (encodedList, error) {
	var e encodedList
	if err := datapath.ValidateActions(list); err != nil {
		return e, err
	}
	lastOut := -1
	outputs := 0
	for i, a := range list {
		switch a.(type) {
		case datapath.Output:
			lastOut = i
			outputs++
		}
		if _, ok := a.(datapath.SlowPath); ok {
			e.slow = true
		} else if !fastPathRuns(key, a) {
			e.user = true
		}
	}
	if len(list) > maxFastActions {
		e.user = true
		e.long = &tcportLongActions{N: uint32(len(list))}
		for i, a := range list {
			e.long.A[i] = slotToBPF(datapath.EncodeAction(a))
		}
		list = list[:0]
	}
	final := lastOut >= 0 && lastOut == len(list)-1
	for i, a := range list {
		s := slotToBPF(datapath.EncodeAction(a))
		if _, ok := a.(datapath.Output); ok && i == lastOut && final {
			s.B |= outLast
		}
		e.fast.A[i] = s
	}
	e.fast.N = uint32(len(list))
	if e.slow {
		e.fast.Flags |= flowSlowPath
	} else if e.user {
		e.fast.Flags |= flowUserspace
	}
	if outputs > 1 || outputs == 1 && !final {
		e.fast.Flags |= flowXDPSlow
	}
	return e, nil
}

// fastPathRuns reports whether the BPF action code implements a for key.
func fastPathRuns(key datapath.FlowKey, a datapath.Action) bool {
	switch a.(type) {
	case datapath.PushMPLS, datapath.PopMPLS, datapath.PushPBB, datapath.PopPBB:
		// TC cannot remove bytes in front of a non-IP header
		// (bpf_skb_adjust_room takes IPv4/IPv6 only): userspace runs
		// these encapsulations for both hooks.
		return false
	case datapath.SetTPSrc, datapath.SetTPDst:
		// SCTP's CRC32c cannot be updated incrementally.
		return !key.Fields.Has(datapath.FieldSCTP)
	}
	return true
}

func slotToBPF(s datapath.ActionSlot) tcportAction {
	return tcportAction{Kind: uint8(s.Kind), B: s.B, H: s.H, W: s.W, Data: s.Data}
}

func slotFromBPF(a tcportAction) datapath.ActionSlot {
	s := datapath.ActionSlot{Kind: datapath.ActionKind(a.Kind), B: a.B, H: a.H, W: a.W, Data: a.Data}
	if s.Kind == datapath.KindOutput {
		s.B = 0 // OUT_F_LAST is ours
	}
	return s
}

// decodeActions returns the list an entry holds.
func decodeActions(fast *tcportFlowActions, long *tcportLongActions) ([]datapath.Action, error) {
	slots := fast.A[:min(int(fast.N), maxFastActions)]
	if long != nil {
		slots = long.A[:min(int(long.N), maxLongActions)]
	}
	list := make([]datapath.Action, 0, len(slots))
	for i, s := range slots {
		a, err := datapath.DecodeAction(slotFromBPF(s))
		if err != nil {
			return nil, fmt.Errorf("flow entry: action %d: %w", i, err)
		}
		list = append(list, a)
	}
	return list, nil
}

package datapath

import (
	"errors"
	"fmt"
)

// Action is one step of a flow's action list. The set is closed: the types
// in this file are all there is, and each encodes into one ActionSlot. An
// action list runs in order on the frame; Output transmits the frame as it
// is at that point, so edits between outputs give different copies. An empty
// list drops the packet.
//
// Set-field actions whose header is absent from the frame (set IPv4 on an ARP
// frame, set ports on a later fragment) leave the frame unchanged. Every edit
// keeps the IPv4 header checksum and the TCP, UDP (unless 0) and ICMPv6
// checksums correct by incremental update (RFC 1624). The fast path does it
// with the kernel's csum_replace helpers, which also keep CHECKSUM_PARTIAL
// skbs (whose L4 field holds only the uncomplemented pseudo-header sum)
// right; userspace execution (datapath/packet) works on complete checksums.
type Action interface {
	Kind() ActionKind
	isAction()
}

// ActionKind numbers the action types; the number is the Kind byte of an
// ActionSlot and must never change.
type ActionKind uint8

const (
	KindOutput ActionKind = iota + 1
	KindPushVLAN
	KindPopVLAN
	KindSetVLANVID
	KindSetVLANPCP
	KindSetEthSrc
	KindSetEthDst
	KindSetIPv4Src
	KindSetIPv4Dst
	KindSetIPDSCP
	KindSetIPECN
	KindSetIPTTL
	KindDecTTL
	KindSetIPv6Src
	KindSetIPv6Dst
	KindSetTPSrc
	KindSetTPDst
	KindSetICMPType
	KindSetICMPCode
	KindPushMPLS
	KindPopMPLS
	KindSetMPLSLabel
	KindSetMPLSTC
	KindSetMPLSTTL
	KindDecMPLSTTL
	KindCopyTTLIn
	KindCopyTTLOut
	KindPushPBB
	KindPopPBB
	KindUserspace
	KindMeter
	KindSlowPath
	KindSetARPOp
	KindSetARPSpa
	KindSetARPTpa
	KindSetARPSha
	KindSetARPTha
	KindSetNDTarget
	KindSetNDSLL
	KindSetNDTLL
	KindSetIPv6Label
	KindSetPBBISID
	KindSetMPLSBOS
	kindEnd
)

// MaxActions bounds an action list. An implementation may run shorter lists
// only in its fast path and mark longer ones slow.
const MaxActions = 256

type (
	// Output transmits the frame on a datapath port.
	Output struct{ Port uint32 }
	// PushVLAN inserts a tag after the Ethernet addresses (outermost).
	// TPID is 0x8100 or 0x88a8.
	PushVLAN struct {
		TPID uint16
		TCI  uint16
	}
	// PopVLAN removes the outermost tag; no-op on an untagged frame.
	PopVLAN struct{}
	// SetVLANVID sets the VID of the outermost tag; no-op if untagged.
	SetVLANVID struct{ VID uint16 }
	// SetVLANPCP sets the PCP of the outermost tag; no-op if untagged.
	SetVLANPCP struct{ PCP uint8 }
	SetEthSrc  struct{ Addr [6]byte }
	SetEthDst  struct{ Addr [6]byte }
	// SetIPv4Src and SetIPv4Dst rewrite an address, fixing the IPv4 and the
	// TCP/UDP pseudo-header checksums.
	SetIPv4Src struct{ Addr [4]byte }
	SetIPv4Dst struct{ Addr [4]byte }
	// SetIPDSCP, SetIPECN and SetIPTTL apply to IPv4 (TOS, TTL) and IPv6
	// (traffic class, hop limit).
	SetIPDSCP struct{ DSCP uint8 }
	SetIPECN  struct{ ECN uint8 }
	SetIPTTL  struct{ TTL uint8 }
	// DecTTL decrements the IPv4 TTL or IPv6 hop limit. If it is 0 or 1,
	// the packet goes to userspace (ReasonInvalidTTL) and the rest of the
	// list does not run.
	DecTTL     struct{}
	SetIPv6Src struct{ Addr [16]byte }
	SetIPv6Dst struct{ Addr [16]byte }
	// SetTPSrc and SetTPDst rewrite the TCP, UDP or SCTP port, whichever
	// the packet carries (SCTP's CRC32c is recomputed).
	SetTPSrc struct{ Port uint16 }
	SetTPDst struct{ Port uint16 }
	// SetICMPType and SetICMPCode apply to ICMPv4 and ICMPv6.
	SetICMPType struct{ Type uint8 }
	SetICMPCode struct{ Code uint8 }
	// PushMPLS inserts a label stack entry after the Ethernet header and
	// VLAN tags and sets the ethertype to EthType (0x8847 or 0x8848). BOS
	// is set when no MPLS entry was below.
	PushMPLS struct {
		EthType uint16
		Label   uint32
		TC      uint8
		TTL     uint8
	}
	// PopMPLS removes the top entry; EthType is the ethertype of what
	// follows it. No-op on a frame without MPLS.
	PopMPLS      struct{ EthType uint16 }
	SetMPLSLabel struct{ Label uint32 }
	SetMPLSTC    struct{ TC uint8 }
	SetMPLSTTL   struct{ TTL uint8 }
	// DecMPLSTTL decrements the top entry's TTL; 0 or 1 behaves as DecTTL.
	DecMPLSTTL struct{}
	// CopyTTLIn copies the top MPLS TTL to the next entry, or to the IP
	// TTL when the top entry is the bottom of the stack.
	CopyTTLIn struct{}
	// CopyTTLOut copies the TTL of the next entry (or of IP) to the top
	// MPLS entry.
	CopyTTLOut struct{}
	// PushPBB encapsulates the frame in an 802.1ah backbone header: new
	// Ethernet addresses copied from the customer ones, ethertype 0x88e7,
	// and an I-TAG carrying ISID. The customer frame follows whole.
	PushPBB struct{ ISID uint32 }
	// PopPBB removes the backbone header and the I-TAG; no-op otherwise.
	PopPBB struct{}
	// Userspace sends a copy of the frame, as edited so far, to userspace
	// with ReasonUserspace and Cookie.
	Userspace struct{ Cookie uint64 }
	// Meter runs the frame through meter ID: a drop band drops it (the
	// rest of the list does not run), a DSCP-remark band raises its drop
	// precedence.
	Meter struct{ ID uint32 }
	// SlowPath marks a list that the fast path must not run: every packet
	// goes to userspace with ReasonSlowPath. Execute ignores it.
	SlowPath struct{}
)

func (Output) Kind() ActionKind       { return KindOutput }
func (PushVLAN) Kind() ActionKind     { return KindPushVLAN }
func (PopVLAN) Kind() ActionKind      { return KindPopVLAN }
func (SetVLANVID) Kind() ActionKind   { return KindSetVLANVID }
func (SetVLANPCP) Kind() ActionKind   { return KindSetVLANPCP }
func (SetEthSrc) Kind() ActionKind    { return KindSetEthSrc }
func (SetEthDst) Kind() ActionKind    { return KindSetEthDst }
func (SetIPv4Src) Kind() ActionKind   { return KindSetIPv4Src }
func (SetIPv4Dst) Kind() ActionKind   { return KindSetIPv4Dst }
func (SetIPDSCP) Kind() ActionKind    { return KindSetIPDSCP }
func (SetIPECN) Kind() ActionKind     { return KindSetIPECN }
func (SetIPTTL) Kind() ActionKind     { return KindSetIPTTL }
func (DecTTL) Kind() ActionKind       { return KindDecTTL }
func (SetIPv6Src) Kind() ActionKind   { return KindSetIPv6Src }
func (SetIPv6Dst) Kind() ActionKind   { return KindSetIPv6Dst }
func (SetTPSrc) Kind() ActionKind     { return KindSetTPSrc }
func (SetTPDst) Kind() ActionKind     { return KindSetTPDst }
func (SetICMPType) Kind() ActionKind  { return KindSetICMPType }
func (SetICMPCode) Kind() ActionKind  { return KindSetICMPCode }
func (PushMPLS) Kind() ActionKind     { return KindPushMPLS }
func (PopMPLS) Kind() ActionKind      { return KindPopMPLS }
func (SetMPLSLabel) Kind() ActionKind { return KindSetMPLSLabel }
func (SetMPLSTC) Kind() ActionKind    { return KindSetMPLSTC }
func (SetMPLSTTL) Kind() ActionKind   { return KindSetMPLSTTL }
func (DecMPLSTTL) Kind() ActionKind   { return KindDecMPLSTTL }
func (CopyTTLIn) Kind() ActionKind    { return KindCopyTTLIn }
func (CopyTTLOut) Kind() ActionKind   { return KindCopyTTLOut }
func (PushPBB) Kind() ActionKind      { return KindPushPBB }
func (PopPBB) Kind() ActionKind       { return KindPopPBB }
func (Userspace) Kind() ActionKind    { return KindUserspace }
func (Meter) Kind() ActionKind        { return KindMeter }
func (SlowPath) Kind() ActionKind     { return KindSlowPath }

func (Output) isAction()       {}
func (PushVLAN) isAction()     {}
func (PopVLAN) isAction()      {}
func (SetVLANVID) isAction()   {}
func (SetVLANPCP) isAction()   {}
func (SetEthSrc) isAction()    {}
func (SetEthDst) isAction()    {}
func (SetIPv4Src) isAction()   {}
func (SetIPv4Dst) isAction()   {}
func (SetIPDSCP) isAction()    {}
func (SetIPECN) isAction()     {}
func (SetIPTTL) isAction()     {}
func (DecTTL) isAction()       {}
func (SetIPv6Src) isAction()   {}
func (SetIPv6Dst) isAction()   {}
func (SetTPSrc) isAction()     {}
func (SetTPDst) isAction()     {}
func (SetICMPType) isAction()  {}
func (SetICMPCode) isAction()  {}
func (PushMPLS) isAction()     {}
func (PopMPLS) isAction()      {}
func (SetMPLSLabel) isAction() {}
func (SetMPLSTC) isAction()    {}
func (SetMPLSTTL) isAction()   {}
func (DecMPLSTTL) isAction()   {}
func (CopyTTLIn) isAction()    {}
func (CopyTTLOut) isAction()   {}
func (PushPBB) isAction()      {}
func (PopPBB) isAction()       {}
func (Userspace) isAction()    {}
func (Meter) isAction()        {}
func (SlowPath) isAction()     {}

// ActionError reports an invalid action in a list.
type ActionError struct {
	Index int // position in the list
	Err   error
}

func (e *ActionError) Error() string { return fmt.Sprintf("action %d: %v", e.Index, e.Err) }
func (e *ActionError) Unwrap() error { return e.Err }

// ErrTooManyActions is returned for lists longer than MaxActions.
var ErrTooManyActions = errors.New("too many actions")

// ValidateActions checks that every operand is in range. Put and Execute
// call it; it returns an *ActionError naming the first bad action.
func ValidateActions(list []Action) error {
	if len(list) > MaxActions {
		return fmt.Errorf("%w: %d > %d", ErrTooManyActions, len(list), MaxActions)
	}
	for i, a := range list {
		if err := validateAction(a); err != nil {
			return &ActionError{Index: i, Err: err}
		}
	}
	return nil
}

func validateAction(a Action) error {
	switch a := a.(type) {
	case nil:
		return errors.New("nil action")
	case PushVLAN:
		if a.TPID != EthTypeVLAN && a.TPID != EthTypeQinQ {
			return fmt.Errorf("push_vlan: tpid %#04x: want 0x8100 or 0x88a8", a.TPID)
		}
	case SetVLANVID:
		if a.VID > 0x0fff {
			return fmt.Errorf("set vlan vid %d: want 0..4095", a.VID)
		}
	case SetVLANPCP:
		if a.PCP > 7 {
			return fmt.Errorf("set vlan pcp %d: want 0..7", a.PCP)
		}
	case SetIPDSCP:
		if a.DSCP > 63 {
			return fmt.Errorf("set ip dscp %d: want 0..63", a.DSCP)
		}
	case SetIPECN:
		if a.ECN > 3 {
			return fmt.Errorf("set ip ecn %d: want 0..3", a.ECN)
		}
	case PushMPLS:
		if a.EthType != EthTypeMPLS && a.EthType != EthTypeMPLSMcast {
			return fmt.Errorf("push_mpls: eth_type %#04x: want 0x8847 or 0x8848", a.EthType)
		}
		if a.Label > 0xfffff || a.TC > 7 {
			return fmt.Errorf("push_mpls: label %d tc %d out of range", a.Label, a.TC)
		}
	case PopMPLS:
		if a.EthType < 0x0600 {
			return fmt.Errorf("pop_mpls: eth_type %#04x is not an ethertype", a.EthType)
		}
	case SetMPLSLabel:
		if a.Label > 0xfffff {
			return fmt.Errorf("set mpls label %d: want 0..1048575", a.Label)
		}
	case SetMPLSTC:
		if a.TC > 7 {
			return fmt.Errorf("set mpls tc %d: want 0..7", a.TC)
		}
	case PushPBB:
		if a.ISID > 0xffffff {
			return fmt.Errorf("push_pbb: isid %d: want 0..16777215", a.ISID)
		}
	case SetIPv6Label:
		if a.Label > 0xfffff {
			return fmt.Errorf("set ipv6 label %#x: want 0..0xfffff", a.Label)
		}
	case SetPBBISID:
		if a.ISID > 0xffffff {
			return fmt.Errorf("set pbb isid %d: want 0..16777215", a.ISID)
		}
	case SetMPLSBOS:
		if a.BOS > 1 {
			return fmt.Errorf("set mpls bos %d: want 0 or 1", a.BOS)
		}
	}
	if k := a.Kind(); k == 0 || k >= kindEnd {
		return fmt.Errorf("unknown action kind %d", k)
	}
	return nil
}

// ActionsEqual reports whether two lists are the same.
func ActionsEqual(a, b []Action) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// HasAction reports whether list holds an action of kind k.
func HasAction(list []Action, k ActionKind) bool {
	for _, a := range list {
		if a.Kind() == k {
			return true
		}
	}
	return false
}

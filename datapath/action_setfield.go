package datapath

// Set-field actions for the headers whose fields OpenFlow 1.3 can write
// (spec 1.3.5 §7.2.3.7, table 12) beyond the common ones of action.go: ARP
// (RFC 826), IPv6 neighbor discovery (RFC 4861 §4.3, §4.4, §4.6.1), the
// IPv6 flow label (RFC 8200 §6), the PBB I-SID (IEEE 802.1ah I-TAG) and the
// MPLS bottom-of-stack bit (RFC 3032 §2.1). Like every set action they
// leave a frame without the header alone.

type (
	// SetARPOp rewrites the ARP (or RARP) opcode.
	SetARPOp struct{ Op uint16 }
	// SetARPSpa and SetARPTpa rewrite the sender and target protocol
	// (IPv4) addresses; ARP has no checksum.
	SetARPSpa struct{ Addr [4]byte }
	SetARPTpa struct{ Addr [4]byte }
	// SetARPSha and SetARPTha rewrite the sender and target hardware
	// addresses.
	SetARPSha struct{ Addr [6]byte }
	SetARPTha struct{ Addr [6]byte }
	// SetNDTarget rewrites the target address of a neighbor solicitation
	// or advertisement and fixes the ICMPv6 checksum.
	SetNDTarget struct{ Addr [16]byte }
	// SetNDSLL rewrites the source link-layer address option of a
	// neighbor solicitation, SetNDTLL the target link-layer address option
	// of an advertisement, among the options the flow key's parser looks
	// at (packet.MaxNDOptions), fixing the ICMPv6 checksum. A message
	// without the option is left alone: no option is added, as in Open
	// vSwitch.
	SetNDSLL struct{ Addr [6]byte }
	SetNDTLL struct{ Addr [6]byte }
	// SetIPv6Label rewrites the 20-bit IPv6 flow label; no checksum
	// covers it.
	SetIPv6Label struct{ Label uint32 }
	// SetPBBISID rewrites the 24-bit I-SID of a PBB I-TAG, keeping the
	// I-TAG's priority and flag bits.
	SetPBBISID struct{ ISID uint32 }
	// SetMPLSBOS sets (1) or clears (0) the bottom-of-stack bit of the top
	// MPLS label stack entry.
	SetMPLSBOS struct{ BOS uint8 }
)

func (SetARPOp) Kind() ActionKind     { return KindSetARPOp }
func (SetARPSpa) Kind() ActionKind    { return KindSetARPSpa }
func (SetARPTpa) Kind() ActionKind    { return KindSetARPTpa }
func (SetARPSha) Kind() ActionKind    { return KindSetARPSha }
func (SetARPTha) Kind() ActionKind    { return KindSetARPTha }
func (SetNDTarget) Kind() ActionKind  { return KindSetNDTarget }
func (SetNDSLL) Kind() ActionKind     { return KindSetNDSLL }
func (SetNDTLL) Kind() ActionKind     { return KindSetNDTLL }
func (SetIPv6Label) Kind() ActionKind { return KindSetIPv6Label }
func (SetPBBISID) Kind() ActionKind   { return KindSetPBBISID }
func (SetMPLSBOS) Kind() ActionKind   { return KindSetMPLSBOS }

func (SetARPOp) isAction()     {}
func (SetARPSpa) isAction()    {}
func (SetARPTpa) isAction()    {}
func (SetARPSha) isAction()    {}
func (SetARPTha) isAction()    {}
func (SetNDTarget) isAction()  {}
func (SetNDSLL) isAction()     {}
func (SetNDTLL) isAction()     {}
func (SetIPv6Label) isAction() {}
func (SetPBBISID) isAction()   {}
func (SetMPLSBOS) isAction()   {}

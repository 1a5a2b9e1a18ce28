package datapath

import "fmt"

// PortType is what kind of network device backs a port.
type PortType uint8

const (
	// PortSystem is an existing netdev (a NIC or a veth).
	PortSystem PortType = iota
	// PortTap is a tap device that the datapath creates (a VM's port).
	PortTap
	// PortInternal is the bridge's own host-side interface, which the
	// datapath creates, so the host can have an address on the bridge.
	PortInternal
)

var portTypeNames = [...]string{"system", "tap", "internal"}

func (t PortType) String() string {
	if int(t) < len(portTypeNames) {
		return portTypeNames[t]
	}
	return fmt.Sprintf("PortType(%d)", t)
}

// ParsePortType parses "system", "tap" or "internal".
func ParsePortType(s string) (PortType, error) {
	for i, n := range portTypeNames {
		if n == s {
			return PortType(i), nil
		}
	}
	return 0, fmt.Errorf("port type %q: want system, tap or internal", s)
}

// AttachMode is the hook the port's program runs at.
type AttachMode uint8

const (
	// AttachDefault lets the datapath choose: XDP (native) for NICs,
	// TC for veth, tap and internal ports, so that checksum-offloaded TCP
	// and GSO survive forwarding.
	AttachDefault AttachMode = iota
	AttachXDP
	AttachTC
)

var attachNames = [...]string{"default", "xdp", "tc"}

func (m AttachMode) String() string {
	if int(m) < len(attachNames) {
		return attachNames[m]
	}
	return fmt.Sprintf("AttachMode(%d)", m)
}

// ParseAttachMode parses "default", "xdp" or "tc".
func ParseAttachMode(s string) (AttachMode, error) {
	for i, n := range attachNames {
		if n == s {
			return AttachMode(i), nil
		}
	}
	return 0, fmt.Errorf("attach mode %q: want default, xdp or tc", s)
}

// PortConfig asks for a port.
type PortConfig struct {
	Number uint32 // 0: the datapath picks
	Name   string // netdev name; created for tap and internal ports
	Type   PortType
	Attach AttachMode
}

// Port is an attached port.
type Port struct {
	Number  uint32
	Name    string
	Type    PortType
	Attach  AttachMode // the effective mode, never AttachDefault
	IfIndex int        // 0 where there is no netdev (dummy)
	Stats   PortStats
}

// PortStats count what the datapath received on and transmitted to a port.
type PortStats struct {
	RxPackets, RxBytes, RxDropped uint64
	TxPackets, TxBytes, TxDropped uint64
}

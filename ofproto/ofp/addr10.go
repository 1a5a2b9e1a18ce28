package ofp

// IPv4 addresses as the OpenFlow 1.0 structures hold them, printed and
// JSON-encoded in dotted quad (Ethernet addresses are MAC, in mac.go).

import (
	"fmt"
	"net/netip"
)

// IPv410 is an IPv4 address.
type IPv410 [4]byte

func (a IPv410) String() string { return netip.AddrFrom4(a).String() }

// MarshalText prints the address in dotted quad.
func (a IPv410) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses a dotted quad.
func (a *IPv410) UnmarshalText(b []byte) error {
	ip, err := netip.ParseAddr(string(b))
	if err != nil || !ip.Is4() {
		return fmt.Errorf("ofp: bad IPv4 address %q", b)
	}
	*a = ip.As4()
	return nil
}

func (a IPv410) uint32() uint32 {
	return uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
}

func ipv410(u uint32) IPv410 { return IPv410{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)} }

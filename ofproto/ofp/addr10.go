package ofp

// Address types of the OpenFlow 1.0 structures: Ethernet and IPv4
// addresses as they sit on the wire, printed and JSON-encoded in their
// usual text forms.

import (
	"fmt"
	"net/netip"
)

// MAC10 is a 48-bit Ethernet address.
type MAC10 [6]byte

func (a MAC10) String() string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5])
}

// MarshalText prints the address as "00:11:22:33:44:55".
func (a MAC10) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses "00:11:22:33:44:55".
func (a *MAC10) UnmarshalText(b []byte) error {
	var m MAC10
	n, err := fmt.Sscanf(string(b), "%02x:%02x:%02x:%02x:%02x:%02x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5])
	if err != nil || n != 6 || len(b) != 17 {
		return fmt.Errorf("ofp: bad Ethernet address %q", b)
	}
	*a = m
	return nil
}

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

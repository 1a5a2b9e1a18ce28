package ofp

// Ethernet addresses as they appear in OpenFlow structures (ofp_port's
// hw_addr, OFPT_PORT_MOD, eth_src/eth_dst fields).

import (
	"fmt"
	"net"
)

// MAC is a 48-bit Ethernet address. Its text form is "0a:1b:2c:3d:4e:5f",
// also in JSON.
type MAC [6]byte

func (m MAC) String() string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// MarshalText returns the colon-separated form.
func (m MAC) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses a 48-bit address in any form net.ParseMAC accepts.
func (m *MAC) UnmarshalText(b []byte) error {
	hw, err := net.ParseMAC(string(b))
	if err != nil {
		return err
	}
	if len(hw) != len(m) {
		return fmt.Errorf("mac %q: not a 48-bit address", b)
	}
	copy(m[:], hw)
	return nil
}

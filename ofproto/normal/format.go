package normal

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// PortName formats an OpenFlow port number as ovs-appctl fdb/show does
// without a port map: the number, or the reserved port's name (LOCAL).
func PortName(port uint32) string {
	if port == uint32(ofp.PortLocal) {
		return "LOCAL"
	}
	return strconv.FormatUint(uint64(port), 10)
}

// FormatEntries prints entries as ovs-appctl fdb/show does
// (mac_learning_show in ofproto/ofproto-dpif.c): a header line, then one
// line per entry, "%5s  %4d  MAC  %3d" with the age in whole seconds, or
// "static". portName nil uses PortName.
func FormatEntries(entries []Entry, portName func(uint32) string) string {
	if portName == nil {
		portName = PortName
	}
	var b strings.Builder
	b.WriteString(" port  VLAN  MAC                Age\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "%5s  %4d  %s  ", portName(e.Port), e.VLAN, FormatMAC(e.MAC))
		if e.Static {
			b.WriteString("static\n")
		} else {
			fmt.Fprintf(&b, "%3d\n", int64(e.Age.Seconds()))
		}
	}
	return b.String()
}

// FormatStats prints the counters as ovs-appctl fdb/stats-show of Open
// vSwitch 3.1 does (with its static entries line).
func FormatStats(bridge string, s Stats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Statistics for bridge \"%s\":\n", bridge)
	fmt.Fprintf(&b, "  Current/maximum MAC entries in the table: %d/%d\n", s.Current, s.Max)
	fmt.Fprintf(&b, "  Current static MAC entries in the table : %d\n", s.Static)
	fmt.Fprintf(&b, "  Total number of learned MAC entries     : %d\n", s.Learned)
	fmt.Fprintf(&b, "  Total number of expired MAC entries     : %d\n", s.Expired)
	fmt.Fprintf(&b, "  Total number of evicted MAC entries     : %d\n", s.Evicted)
	fmt.Fprintf(&b, "  Total number of port moved MAC entries  : %d\n", s.Moved)
	return b.String()
}

// FormatMAC prints a MAC address as OVS's ETH_ADDR_FMT does.
func FormatMAC(m [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

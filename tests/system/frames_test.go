package system

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/tests/netns"
)

// etherTest is the IEEE 802 local experimental EtherType: frames of this
// type are the tests' own, no stack in a namespace answers or sends them.
const etherTest = 0x88b5

var broadcast = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// testFrame is an Ethernet frame of type etherTest carrying a random
// marker, padded to the 60-byte minimum.
func testFrame(dst, src net.HardwareAddr) (frame, marker []byte) {
	marker = make([]byte, 16)
	rand.Read(marker)
	frame = make([]byte, 0, 60)
	frame = append(frame, dst...)
	frame = append(frame, src...)
	frame = binary.BigEndian.AppendUint16(frame, etherTest)
	frame = append(frame, marker...)
	for len(frame) < 60 {
		frame = append(frame, 0)
	}
	return frame, marker
}

// vlanOf returns the VID of a frame's outer 802.1Q tag.
func vlanOf(f []byte) (uint16, bool) {
	if len(f) < 18 || binary.BigEndian.Uint16(f[12:]) != 0x8100 {
		return 0, false
	}
	return binary.BigEndian.Uint16(f[14:]) & 0x0fff, true
}

// awaitMarker waits for a frame carrying marker and returns it.
func awaitMarker(r *netns.Reader, marker []byte, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		f, err := r.Next(ctx)
		if err != nil {
			return nil, fmt.Errorf("no frame with the marker within %v", timeout)
		}
		if bytes.Contains(f, marker) {
			return f, nil
		}
	}
}

// fdbEntry is one line of `appctl fdb/show`.
type fdbEntry struct {
	Port string // OpenFlow port number, or LOCAL
	VLAN uint16
	MAC  string
}

// parseFDB reads ovs-appctl fdb/show's table:
//
//	port  VLAN  MAC                Age
//	   1     0  02:73:00:00:00:01    3
func parseFDB(out string) ([]fdbEntry, error) {
	var es []fdbEntry
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] == "port" {
			continue
		}
		vlan, err := strconv.ParseUint(f[1], 10, 16)
		if err != nil {
			return nil, fmt.Errorf("fdb/show line %q: %v", line, err)
		}
		es = append(es, fdbEntry{Port: f[0], VLAN: uint16(vlan), MAC: strings.ToLower(f[2])})
	}
	return es, nil
}

// FDB returns a bridge's MAC learning table.
func (e *Env) FDB(br string) []fdbEntry {
	e.t.Helper()
	es, err := parseFDB(e.Appctl("fdb/show", br))
	if err != nil {
		e.Fatalf("%v", err)
	}
	return es
}

// fdbPort returns the port a MAC is learned on, or "".
func fdbPort(es []fdbEntry, mac string) string {
	for _, en := range es {
		if en.MAC == strings.ToLower(mac) {
			return en.Port
		}
	}
	return ""
}

// checksum is the Internet checksum (RFC 1071) of b.
func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// echoRequest is an ICMP echo request from src to dst carrying a random
// marker, with an 802.1Q tag when vid is not 0. The reply echoes the
// marker back.
func echoRequest(dstMAC, srcMAC net.HardwareAddr, vid uint16, src, dst string) (frame, marker []byte) {
	marker = make([]byte, 16)
	rand.Read(marker)
	icmp := []byte{8, 0, 0, 0, 0x78, 0x73, 0, 1}
	icmp = append(icmp, marker...)
	binary.BigEndian.PutUint16(icmp[2:], checksum(icmp))
	ip := []byte{0x45, 0, 0, 0, 0, 1, 0, 0, 64, 1, 0, 0}
	ip = append(ip, net.ParseIP(src).To4()...)
	ip = append(ip, net.ParseIP(dst).To4()...)
	binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)+len(icmp)))
	binary.BigEndian.PutUint16(ip[10:], checksum(ip))
	frame = append(append([]byte(nil), dstMAC...), srcMAC...)
	if vid != 0 {
		frame = binary.BigEndian.AppendUint16(frame, 0x8100)
		frame = binary.BigEndian.AppendUint16(frame, vid)
	}
	frame = binary.BigEndian.AppendUint16(frame, 0x0800)
	frame = append(append(frame, ip...), icmp...)
	for len(frame) < 60 {
		frame = append(frame, 0)
	}
	return frame, marker
}

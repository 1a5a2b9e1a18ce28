package ofproto

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/ofproto/normal"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// PortSpec asks for a port.
//
// An OpenFlow port number (ofport) is what controllers see; the datapath
// port number may differ. LOCAL (0xfffffffe) is the port whose name equals
// the bridge name.
type PortSpec struct {
	Name   string
	OFPort uint32 // requested (ofport_request); 0: lowest free from 1
	Type   datapath.PortType
	Attach datapath.AttachMode
	VLAN   normal.VLANConfig // Port.tag / trunks / vlan_mode
}

// PortInfo describes an attached port.
type PortInfo struct {
	OFPort, DPPort uint32
	Name           string
	HWAddr         [6]byte
	IfIndex        int
	LinkUp         bool
	Config, State  uint32 // OFPPC_*, OFPPS_* bits as in ofp_port
	Stats          datapath.PortStats
}

// port is one port of the bridge.
type port struct {
	ofport, dpPort uint32
	name           string
	typ            datapath.PortType
	hw             [6]byte
	ifindex        int
	linkUp         bool
	config         ofp.PortConfig
	vlan           normal.VLANConfig
	added          time.Time // for port stats' duration
}

// LocalPort is OFPP_LOCAL, the number of the port named after the bridge.
const LocalPort = uint32(ofp.PortLocal)

// Errors of the port calls.
var (
	ErrNoSuchPort = errors.New("no such port")
	ErrPortExists = errors.New("port exists")
)

// nameMAC derives a stable, locally administered unicast address from a
// name, for ports without a netdev (the dummy datapath) and the datapath id.
func nameMAC(name string) [6]byte {
	h := fnv.New64a()
	h.Write([]byte(name))
	v := h.Sum64()
	var m [6]byte
	for i := range m {
		m[i] = byte(v >> (8 * i))
	}
	m[0] = m[0]&^1 | 2
	return m
}

// AddPort attaches a port to the datapath, adopting an existing datapath
// port of the same name (a restarted daemon finds its pinned ports), and
// sends port-status ADD to listeners.
func (s *Switch) AddPort(spec PortSpec) (PortInfo, error) {
	if spec.Name == "" {
		return PortInfo{}, errors.New("add port: empty name")
	}
	if err := spec.VLAN.Validate(); err != nil {
		return PortInfo{}, fmt.Errorf("add port %s: %w", spec.Name, err)
	}
	s.mu.Lock()
	defer s.unlock()
	for _, p := range s.ports {
		if p.name == spec.Name {
			return PortInfo{}, fmt.Errorf("add port %s: %w", spec.Name, ErrPortExists)
		}
	}
	ofport := spec.OFPort
	switch {
	case spec.Name == s.cfg.Name:
		ofport = LocalPort
	case ofport != 0 && (ofport >= uint32(ofp.PortMax) || s.ports[ofport] != nil):
		s.log.Warn("requested OpenFlow port unavailable, picking another", "port", spec.Name, "ofport", ofport)
		ofport = 0
	}
	if ofport == 0 {
		for ofport = 1; s.ports[ofport] != nil; ofport++ {
		}
	}
	if s.ports[ofport] != nil {
		return PortInfo{}, fmt.Errorf("add port %s: ofport %d: %w", spec.Name, ofport, ErrPortExists)
	}
	dp, err := s.attach(spec)
	if err != nil {
		return PortInfo{}, err
	}
	p := &port{ofport: ofport, dpPort: dp.Number, name: spec.Name, typ: spec.Type,
		ifindex: dp.IfIndex, linkUp: true, vlan: spec.VLAN, hw: nameMAC(spec.Name), added: s.now()}
	if dp.IfIndex > 0 {
		if ifc, err := net.InterfaceByIndex(dp.IfIndex); err == nil && len(ifc.HardwareAddr) == 6 {
			p.hw = [6]byte(ifc.HardwareAddr)
		}
	}
	s.ports[ofport] = p
	s.byDP[p.dpPort] = p
	s.portStatus(ofp.PortReasonAdd, p)
	s.revalidateAll()
	return s.portInfo(p, dp.Stats), nil
}

// attach finds the datapath port named spec.Name or creates it.
func (s *Switch) attach(spec PortSpec) (datapath.Port, error) {
	ports, err := s.dp.Ports()
	if err != nil {
		return datapath.Port{}, fmt.Errorf("add port %s: %w", spec.Name, err)
	}
	for _, dp := range ports {
		if dp.Name == spec.Name {
			if s.byDP[dp.Number] != nil {
				return datapath.Port{}, fmt.Errorf("add port %s: %w", spec.Name, ErrPortExists)
			}
			return dp, nil
		}
	}
	dp, err := s.dp.AddPort(datapath.PortConfig{Name: spec.Name, Type: spec.Type, Attach: spec.Attach})
	if err != nil {
		return datapath.Port{}, fmt.Errorf("add port %s: %w", spec.Name, err)
	}
	return dp, nil
}

// DeletePort detaches a port, sends port-status DELETE, forgets the MAC
// addresses learned on it and revalidates the cache entries.
func (s *Switch) DeletePort(ofport uint32) error {
	s.mu.Lock()
	defer s.unlock()
	p := s.ports[ofport]
	if p == nil {
		return fmt.Errorf("delete port %d: %w", ofport, ErrNoSuchPort)
	}
	if err := s.dp.DeletePort(p.dpPort); err != nil && !errors.Is(err, datapath.ErrNoSuchPort) {
		return fmt.Errorf("delete port %s: %w", p.name, err)
	}
	delete(s.ports, ofport)
	delete(s.byDP, p.dpPort)
	s.portStatus(ofp.PortReasonDelete, p)
	s.macChanged(s.macs.FlushPort(ofport))
	s.revalidateAll()
	return nil
}

// SetPortVLAN changes a port's VLAN configuration for NORMAL.
func (s *Switch) SetPortVLAN(ofport uint32, v normal.VLANConfig) error {
	if err := v.Validate(); err != nil {
		return fmt.Errorf("port %d: %w", ofport, err)
	}
	s.mu.Lock()
	defer s.unlock()
	p := s.ports[ofport]
	if p == nil {
		return fmt.Errorf("port %d: %w", ofport, ErrNoSuchPort)
	}
	if p.vlan.Equal(v) {
		return nil
	}
	p.vlan = v
	// Addresses learned under the old VLAN setting may be wrong now.
	s.macChanged(s.macs.FlushPort(ofport))
	s.revalidateAll()
	return nil
}

// SetPortLink records a port's carrier (OFPPS_LINK_DOWN), which
// fast-failover groups, FLOOD and NORMAL consult, and sends port-status
// MODIFY when it changes.
func (s *Switch) SetPortLink(ofport uint32, up bool) {
	s.mu.Lock()
	defer s.unlock()
	p := s.ports[ofport]
	if p == nil || p.linkUp == up {
		return
	}
	p.linkUp = up
	s.portStatus(ofp.PortReasonModify, p)
	s.revalidateAll()
}

// Ports lists the ports ordered by OpenFlow number, with fresh statistics.
func (s *Switch) Ports() []PortInfo {
	stats := s.dpPortStats()
	s.mu.Lock()
	defer s.unlock()
	var out []PortInfo
	for _, p := range s.sortedPorts() {
		out = append(out, s.portInfo(p, stats[p.dpPort]))
	}
	return out
}

// dpPortStats reads every datapath port's counters.
func (s *Switch) dpPortStats() map[uint32]datapath.PortStats {
	m := map[uint32]datapath.PortStats{}
	ports, err := s.dp.Ports()
	if err != nil {
		s.log.Warn("datapath ports", "err", err)
		return m
	}
	for _, p := range ports {
		m[p.Number] = p.Stats
	}
	return m
}

// sortedPorts returns the ports ordered by OpenFlow number; s.mu is held.
func (s *Switch) sortedPorts() []*port {
	out := make([]*port, 0, len(s.ports))
	for _, p := range s.ports {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *port) int {
		switch {
		case a.ofport < b.ofport:
			return -1
		case a.ofport > b.ofport:
			return 1
		}
		return 0
	})
	return out
}

func (p *port) state() ofp.PortState {
	if !p.linkUp {
		return ofp.PortStateLinkDown
	}
	if p.config&ofp.PortConfigDown != 0 {
		return 0
	}
	return ofp.PortStateLive
}

// live reports whether the port is live for fast failover (spec 1.3.5
// §6.5: not down).
func (p *port) live() bool { return p.linkUp && p.config&ofp.PortConfigDown == 0 }

func (s *Switch) portInfo(p *port, st datapath.PortStats) PortInfo {
	return PortInfo{OFPort: p.ofport, DPPort: p.dpPort, Name: p.name, HWAddr: p.hw, IfIndex: p.ifindex,
		LinkUp: p.linkUp, Config: uint32(p.config), State: uint32(p.state()), Stats: st}
}

// ofpPort describes p as ofp_port. Speeds are those Open vSwitch reports
// for a veth: 10 Gbit/s full duplex, copper.
func (p *port) ofpPort() ofp.Port {
	feat := ofp.PortFeature10GbFD | ofp.PortFeatureCopper
	return ofp.Port{PortNo: ofp.PortNo(p.ofport), HWAddr: ofp.MAC(p.hw), Name: truncName(p.name),
		Config: p.config, State: p.state(), Curr: feat, CurrSpeed: 10000000, MaxSpeed: 0}
}

// truncName fits a name into ofp_port's 16 bytes.
func truncName(n string) string {
	if len(n) > 15 {
		return strings.Clone(n[:15])
	}
	return n
}

// portStatus queues a port-status message; s.mu is held.
func (s *Switch) portStatus(reason ofp.PortReason, p *port) {
	ps := &ofp.PortStatus{Reason: reason, Desc: p.ofpPort()}
	s.emitEvent(func(l Listener) { l.PortStatus(ps) })
}

// liveness answers fast-failover liveness from the port table; s.mu is held.
func (s *Switch) liveness() livenessFunc { return livenessFunc{s} }

type livenessFunc struct{ s *Switch }

func (l livenessFunc) PortLive(no ofp.PortNo) bool {
	p := l.s.ports[uint32(no)]
	return p != nil && p.live()
}

// validOutPort reports whether an output action may name no. As Open
// vSwitch does, a flow may output to a port that does not exist yet (a
// port added later makes it work); only numbers above OFPP_MAX that name
// no reserved port, and OFPP_ANY, are refused.
func validOutPort(no ofp.PortNo) bool {
	return no != ofp.PortAny && (no < ofp.PortMax || no >= ofp.PortInPort)
}

package bench

import (
	"fmt"

	"github.com/cilium/ebpf"
)

// Switch is one switch under test. Start connects the topology's two host
// ends so that frames from each VM reach the other; Stop undoes what Start
// did outside the topology (daemons, files).
type Switch interface {
	Name() string
	// SwitchNS says whether the switch wants the host ends in a
	// namespace of its own.
	SwitchNS() bool
	Start(t *Topo, p *progs) error
	Stop() error
}

// Remarker is a switch with a remark for the table's notes ("" for none).
type Remarker interface{ Remark() string }

// Skipper is a switch that leaves some measurements out: Skip returns why
// for a measurement key, or "".
type Skipper interface{ Skip(key string) string }

func (bareXDP) Remark() string {
	return "bare-xdp: TCP is expected to fail: XDP redirect between veths drops the checksum-partial state of TCP segments sent with default offloads (DESIGN.md, kernel facts)."
}

// Daemon is a switch with a userspace daemon: its resident memory and its
// OpenFlow tables can be measured.
type Daemon interface {
	Switch
	// PID of the process whose memory counts.
	PID() int
	// AddFlows installs OpenFlow flows (ovs-ofctl syntax) from a file,
	// replacing none; it returns when they are all in.
	AddFlowsFile(path string) error
	// AddFlows installs a few flows.
	AddFlows(flows ...string) error
	// DelFlows empties table 0 except what Start installed.
	DelFlows() error
	// DumpFlows lists the flows and returns how many.
	DumpFlows() (int, error)
}

// forwardFlows are the OpenFlow rules both OpenFlow switches forward with:
// port 1 is VM A's host end, port 2 VM B's.
var forwardFlows = []string{
	"priority=1,in_port=1,actions=output:2",
	"priority=1,in_port=2,actions=output:1",
}

// setupStart is the generator index of the flow-setup scenario's first
// flow: far from the packet-rate scenarios' flows (0 up), so each is new.
const setupStart = 16 << 16

// setupFlows are the flow-setup scenario's rules for n flows: they match
// the L4 destination port (one rule per port the n flows use; OpenFlow
// 1.3 cannot mask it), so each new 5-tuple is a new cache entry in a
// switch with exact-match caching.
func setupFlows(n int) []string {
	var fs []string
	for p := setupStart >> 16; p <= (setupStart+n-1)>>16; p++ {
		fs = append(fs, fmt.Sprintf("priority=10,udp,in_port=1,tp_dst=%d,actions=output:2", 0x1000|p&0xfff))
	}
	return fs
}

// linuxBridge is the kernel's bridge.
type linuxBridge struct{ t *Topo }

func (*linuxBridge) Name() string   { return "linux-bridge" }
func (*linuxBridge) SwitchNS() bool { return false }

func (b *linuxBridge) Start(t *Topo, _ *progs) error {
	b.t = t
	br := "xb" + t.Tag + "br"
	cmds := [][]string{{"ip", "link", "add", br, "type", "bridge"}}
	for _, h := range t.Host {
		cmds = append(cmds, []string{"ip", "link", "set", h, "master", br})
	}
	cmds = append(cmds, []string{"ip", "link", "set", br, "up"})
	for _, c := range cmds {
		if _, err := t.SwitchRun(c...); err != nil {
			return err
		}
	}
	return nil
}

func (b *linuxBridge) Stop() error {
	if b.t != nil {
		b.t.SwitchRun("ip", "link", "del", "xb"+b.t.Tag+"br")
	}
	return nil
}

// bareXDP redirects between the two host ends in XDP: the ceiling for
// packet rate. XDP redirect into a veth needs XDP or GRO on the receiving
// end (kernel facts): GRO goes on in both VMs for the scenarios without
// the counter.
type bareXDP struct{}

func (bareXDP) Name() string   { return "bare-xdp" }
func (bareXDP) SwitchNS() bool { return false }

func (bareXDP) Start(t *Topo, p *progs) error {
	var idx [2]int
	for i := range 2 {
		var err error
		if idx[i], err = t.HostIndex(i); err != nil {
			return err
		}
		if _, err := t.VMRun(i, defaultCmdTimeout, "ethtool", "-K", "eth0", "gro", "on"); err != nil {
			return err
		}
	}
	for i := range 2 {
		if err := p.objs.XdpFwd.Update(uint32(idx[i]), uint32(idx[1-i]), ebpf.UpdateAny); err != nil {
			return fmt.Errorf("xdp_fwd: %w", err)
		}
		if _, err := p.attachXDP(t.SwitchNS, t.Host[i], p.objs.XbXdpRedirect); err != nil {
			return err
		}
	}
	return nil
}

func (bareXDP) Stop() error { return nil }

// bareTC redirects between the host ends in TC with bpf_redirect_peer:
// the ceiling for TCP (offloads survive).
type bareTC struct{}

func (bareTC) Name() string   { return "bare-tc" }
func (bareTC) SwitchNS() bool { return false }

func (bareTC) Start(t *Topo, p *progs) error {
	var idx [2]int
	for i := range 2 {
		var err error
		if idx[i], err = t.HostIndex(i); err != nil {
			return err
		}
	}
	for i := range 2 {
		if err := p.objs.TcFwd.Update(uint32(idx[i]), uint32(idx[1-i]), ebpf.UpdateAny); err != nil {
			return fmt.Errorf("tc_fwd: %w", err)
		}
		if _, err := p.attachTCX(t.SwitchNS, t.Host[i], p.objs.XbTcRedirect); err != nil {
			return err
		}
	}
	return nil
}

func (bareTC) Stop() error { return nil }

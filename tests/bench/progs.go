package bench

import (
	"fmt"
	"net"
	"runtime"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// progs are one switch's turn's BPF objects: the bare redirects, the
// generator and the receive counter.
type progs struct {
	objs  benchprogObjects
	links []link.Link
}

func loadProgs() (*progs, error) {
	p := &progs{}
	if err := loadBenchprogObjects(&p.objs, nil); err != nil {
		return nil, fmt.Errorf("bench programs: %w", err)
	}
	return p, nil
}

func (p *progs) Close() {
	for _, l := range p.links {
		l.Close()
	}
	p.objs.Close()
}

// attachXDP attaches prog to dev in namespace ns (native mode: veth
// supports it) and returns the link, also kept for Close.
func (p *progs) attachXDP(ns, dev string, prog *ebpf.Program) (link.Link, error) {
	var l link.Link
	err := inNS(ns, func() error {
		ifc, err := net.InterfaceByName(dev)
		if err != nil {
			return err
		}
		l, err = link.AttachXDP(link.XDPOptions{Program: prog, Interface: ifc.Index, Flags: link.XDPDriverMode})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("attach XDP to %s: %w", dev, err)
	}
	p.links = append(p.links, l)
	return l, nil
}

// attachTCX attaches prog to dev's TC ingress in namespace ns.
func (p *progs) attachTCX(ns, dev string, prog *ebpf.Program) (link.Link, error) {
	var l link.Link
	err := inNS(ns, func() error {
		ifc, err := net.InterfaceByName(dev)
		if err != nil {
			return err
		}
		l, err = link.AttachTCX(link.TCXOptions{Program: prog, Interface: ifc.Index, Attach: ebpf.AttachTCXIngress})
		if err != nil {
			return fmt.Errorf("attach TC to %s: %w", dev, err)
		}
		p.links = append(p.links, l)
		return nil
	})
	return l, err
}

// counter counts the generator's frames arriving in VM B (xb_count on its
// eth0, which also gives a veth the XDP program that XDP redirects into it
// need).
type counter struct {
	m     *ebpf.Map
	links []link.Link
}

// startCounter attaches the counter to VM B's eth0 in XDP and, for frames
// that skip XDP (bpf_redirect_peer), in TC.
func (p *progs) startCounter(t *Topo) (*counter, error) {
	l, err := p.attachXDP(t.NS[1], "eth0", p.objs.XbCount)
	if err != nil {
		return nil, err
	}
	c := &counter{m: p.objs.RxCount, links: []link.Link{l}}
	tl, err := p.attachTCX(t.NS[1], "eth0", p.objs.XbCountTc)
	if err != nil {
		c.stop()
		return nil, err
	}
	c.links = append(c.links, tl)
	return c, nil
}

func (c *counter) read() (uint64, error) {
	var vals []uint64
	if err := c.m.Lookup(uint32(0), &vals); err != nil {
		return 0, fmt.Errorf("rx counter: %w", err)
	}
	var n uint64
	for _, v := range vals {
		n += v
	}
	return n, nil
}

// stop detaches the counter (TCP runs without XDP on the receiver).
func (c *counter) stop() {
	for _, l := range c.links {
		l.Close()
	}
}

// generator sends the template frame out of VM A's eth0 from BPF test
// runs with live frames (kernel facts, DESIGN.md): xb_gen rewrites the
// ports of each frame and transmits it.
type generator struct {
	prog    *ebpf.Program
	conf    *ebpf.Map
	ns      string
	ifindex uint32
	frame   []byte
}

// xdpMD is struct xdp_md as BPF_PROG_RUN takes it for context.
type xdpMD struct {
	Data, DataEnd, DataMeta, IngressIfindex, RxQueueIndex, EgressIfindex uint32
}

func (p *progs) newGenerator(t *Topo) (*generator, error) {
	f, err := udpFrame(t.MAC[0], t.MAC[1], t.IP[0], t.IP[1])
	if err != nil {
		return nil, err
	}
	g := &generator{prog: p.objs.XbGen, conf: p.objs.Gen, ns: t.NS[0], frame: f}
	err = inNS(t.NS[0], func() error {
		ifc, err := net.InterfaceByName("eth0")
		if err == nil {
			g.ifindex = uint32(ifc.Index)
		}
		return err
	})
	return g, err
}

// setFlows makes the next frames cycle through nflows flows (0: every
// frame a new one) from frame index start.
func (g *generator) setFlows(nflows, start uint64) error {
	return g.conf.Update(uint32(0), benchprogGenConf{Nflows: nflows, Next: start}, ebpf.UpdateAny)
}

// genCPU is the core every generator run is pinned to: the last one, away
// from CPU 0's housekeeping. Frames are sent, switched and counted on the
// core that sends them, so one core for every run keeps a flow on one CPU
// from pass to pass, as a NIC's RSS queue does; a switch with per-CPU
// state (xvs's flow counters have an owning CPU) is then measured in its
// steady state, not in the state the scheduler's last move left.
func genCPU() int { return runtime.NumCPU() - 1 }

// send transmits n frames as fast as one core can.
func (g *generator) send(n int) error {
	return inNS(g.ns, func() error {
		var prev, one unix.CPUSet
		if err := unix.SchedGetaffinity(0, &prev); err != nil {
			return fmt.Errorf("generator: %w", err)
		}
		one.Set(genCPU())
		if err := unix.SchedSetaffinity(0, &one); err != nil {
			return fmt.Errorf("generator: pin to CPU %d: %w", genCPU(), err)
		}
		defer unix.SchedSetaffinity(0, &prev)
		ctx := xdpMD{DataEnd: uint32(len(g.frame)), IngressIfindex: g.ifindex}
		_, err := g.prog.Run(&ebpf.RunOptions{
			Data:    g.frame,
			Repeat:  uint32(n),
			Flags:   unix.BPF_F_TEST_XDP_LIVE_FRAMES,
			Context: ctx,
		})
		if err != nil {
			return fmt.Errorf("generator: %w", err)
		}
		return nil
	})
}

// sendFor sends for about d at full speed and returns the frames sent.
//
// Each BPF_PROG_RUN of an XDP program adds it to the kernel's XDP
// dispatcher and removes it at the end, and each change waits for an RCU
// grace period (bpf_dispatcher_change_prog, synchronize_rcu): about 15 ms a
// run here (perf sched timehist), during which the generator core idles.
// Short runs would make that wait a share of the measured time, and one
// that depends on how many frames a run carries. So one short run
// calibrates, and the rest carry up to genRun of frames each: the wait is
// then a few per cent, the same for every switch.
func (g *generator) sendFor(d time.Duration) (int, error) {
	const calib = 50000
	t0 := time.Now()
	if err := g.send(calib); err != nil {
		return 0, err
	}
	sent := calib
	perFrame := time.Since(t0) / calib
	if perFrame <= 0 {
		perFrame = 1
	}
	for left := d - time.Since(t0); left > 0; left = d - time.Since(t0) {
		run := min(left, genRun)
		n := min(max(int(run/perFrame), calib), 1<<24)
		t1 := time.Now()
		if err := g.send(n); err != nil {
			return sent, err
		}
		sent += n
		if el := time.Since(t1); el > 0 {
			perFrame = max(el/time.Duration(n), 1)
		}
	}
	return sent, nil
}

// genRun is how long one generator run lasts (sendFor).
const genRun = time.Second

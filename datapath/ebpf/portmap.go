package ebpf

import (
	"errors"
	"fmt"
	"sync"

	"github.com/cilium/ebpf"

	"github.com/xvs-switch/xvs/datapath"
)

// portTable wraps ports_in (ifindex -> port), ports_out (port -> ifindex and
// the port's description) and port_counters (per-CPU counters, an array
// indexed by port number: numbers run 1..maxPorts).
type portTable struct {
	in, out, counters *ebpf.Map
	direct            *ebpf.Map // ports_direct: a cache of ports_in
	tx                *ebpf.Map // tx_ports: XDP's output devmap
	ncpu              int

	// skb caches, by port number, whether a port needs an skb: Put asks
	// it for every output of every new flow, and a ports_out lookup is a
	// system call. add and remove drop the port's answer (ports change
	// through this process: dpctl goes through vswitchd when it runs).
	mu  sync.Mutex
	skb map[uint32]bool
}

// needsSKB reports whether output to port needs an skb (portFlagSKB); a
// missing port does not.
func (p *portTable) needsSKB(number uint32) bool {
	p.mu.Lock()
	v, ok := p.skb[number]
	p.mu.Unlock()
	if ok {
		return v
	}
	r, err := p.get(number)
	if err != nil {
		return false // not cached: the port may come
	}
	v = r.flags&portFlagSKB != 0
	p.mu.Lock()
	if p.skb == nil {
		p.skb = map[uint32]bool{}
	}
	p.skb[number] = v
	p.mu.Unlock()
	return v
}

// forget drops the cached answer for a port that changes.
func (p *portTable) forget(number uint32) {
	p.mu.Lock()
	delete(p.skb, number)
	p.mu.Unlock()
}

// portFlagSKB marks ports whose device needs an skb to receive (veth, tap,
// internal): XDP passes packets for them to TC. Bit 1 of port_out.flags;
// the C only reads it through FLOW_F_XDP_SLOW, which Put derives from it.
const portFlagSKB = 1 << 1

// portFlagPeer is PORT_F_PEER: TC's final output uses bpf_redirect_peer.
const portFlagPeer = 1 << 0

type portRecord struct {
	number  uint32
	ifindex uint32
	flags   uint32
	typ     datapath.PortType
	attach  datapath.AttachMode
	name    string
}

func (p *portTable) add(r portRecord) error {
	defer p.forget(r.number)
	out := tcportPortOut{Ifindex: r.ifindex, Flags: r.flags, Type: uint8(r.typ), Attach: uint8(r.attach)}
	copy(out.Name[:], r.name)
	if err := p.out.Update(r.number, &out, ebpf.UpdateNoExist); err != nil {
		if errors.Is(err, ebpf.ErrKeyExist) {
			return datapath.ErrPortExists
		}
		return fmt.Errorf("ports_out: %w", err)
	}
	zero := make([]tcportPortStats, p.ncpu)
	if err := p.counters.Update(r.number, zero, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("port_counters: %w", err)
	}
	return p.addTx(r)
}

// addTx gives a port XDP can redirect to its tx_ports slot. Ports needing
// an skb have none: the XDP program passes lists that output to them to
// TC, and a redirect there would fail.
func (p *portTable) addTx(r portRecord) error {
	if r.flags&portFlagSKB != 0 {
		return nil
	}
	if err := p.tx.Update(r.number, r.ifindex, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("tx_ports: %w", err)
	}
	return nil
}

// enable starts ingress processing on the port's device.
func (p *portTable) enable(r portRecord) error {
	if err := p.in.Update(r.ifindex, &tcportPortInfo{PortNo: r.number}, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("ports_in: %w", err)
	}
	return p.claimSlot(r.ifindex, r.number)
}

// directSlot is the ports_direct slot of an ifindex (port_of in maps.h).
func directSlot(ifindex uint32) uint32 { return ifindex & (maxPorts - 1) }

// claimSlot gives an enabled port its ports_direct slot unless another
// enabled port holds it (that one stays; this one is found in ports_in).
func (p *portTable) claimSlot(ifindex, number uint32) error {
	slot := directSlot(ifindex)
	var cur tcportPortSlot
	if err := p.direct.Lookup(slot, &cur); err != nil {
		return fmt.Errorf("ports_direct: %w", err)
	}
	if cur.Ifindex != 0 && cur.Ifindex != ifindex {
		var pi tcportPortInfo
		if err := p.in.Lookup(cur.Ifindex, &pi); err == nil && pi.PortNo == cur.PortNo {
			return nil
		}
	}
	if err := p.direct.Update(slot, &tcportPortSlot{Ifindex: ifindex, PortNo: number}, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("ports_direct: %w", err)
	}
	return nil
}

// releaseSlot empties a removed port's ports_direct slot and hands it to
// another enabled port whose ifindex selects it, if any.
func (p *portTable) releaseSlot(ifindex uint32) error {
	slot := directSlot(ifindex)
	var cur tcportPortSlot
	if err := p.direct.Lookup(slot, &cur); err != nil {
		return fmt.Errorf("ports_direct: %w", err)
	}
	if cur.Ifindex != ifindex {
		return nil
	}
	if err := p.direct.Update(slot, &tcportPortSlot{}, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("ports_direct: %w", err)
	}
	var ifi uint32
	var pi tcportPortInfo
	it := p.in.Iterate()
	for it.Next(&ifi, &pi) {
		if ifi != ifindex && directSlot(ifi) == slot {
			return p.claimSlot(ifi, pi.PortNo)
		}
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("ports_in: %w", err)
	}
	return nil
}

func (p *portTable) remove(number uint32) (portRecord, error) {
	defer p.forget(number)
	r, err := p.get(number)
	if err != nil {
		return r, err
	}
	// The direct slot first: while it still names the device, port_of
	// takes its packets for the port even with ports_in's entry gone.
	if err := p.releaseSlot(r.ifindex); err != nil {
		return r, err
	}
	if err := p.in.Delete(r.ifindex); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
		return r, fmt.Errorf("ports_in: %w", err)
	}
	if err := p.out.Delete(number); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
		return r, fmt.Errorf("ports_out: %w", err)
	}
	if err := p.tx.Delete(number); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
		return r, fmt.Errorf("tx_ports: %w", err)
	}
	// An array's slots stay: zero it for the number's next port (add
	// zeroes it again; this keeps a removed port's counters from
	// lingering in a dump of the map).
	zero := make([]tcportPortStats, p.ncpu)
	if err := p.counters.Update(number, zero, ebpf.UpdateAny); err != nil {
		return r, fmt.Errorf("port_counters: %w", err)
	}
	return r, nil
}

func (p *portTable) get(number uint32) (portRecord, error) {
	var out tcportPortOut
	if err := p.out.Lookup(number, &out); err != nil {
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return portRecord{}, datapath.ErrNoSuchPort
		}
		return portRecord{}, fmt.Errorf("ports_out: %w", err)
	}
	return recordOf(number, &out), nil
}

func recordOf(number uint32, out *tcportPortOut) portRecord {
	n := 0
	for n < len(out.Name) && out.Name[n] != 0 {
		n++
	}
	name := out.Name[:n]
	return portRecord{number: number, ifindex: out.Ifindex, flags: out.Flags,
		typ: datapath.PortType(out.Type), attach: datapath.AttachMode(out.Attach), name: string(name)}
}

func (p *portTable) list() ([]portRecord, error) {
	var recs []portRecord
	var num uint32
	var out tcportPortOut
	it := p.out.Iterate()
	for it.Next(&num, &out) {
		recs = append(recs, recordOf(num, &out))
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("ports_out: %w", err)
	}
	return recs, nil
}

func (p *portTable) stats(number uint32) (datapath.PortStats, error) {
	var s datapath.PortStats
	vals := make([]tcportPortStats, p.ncpu)
	if err := p.counters.Lookup(number, &vals); err != nil {
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			return s, nil
		}
		return s, fmt.Errorf("port_counters: %w", err)
	}
	for _, v := range vals {
		s.RxPackets += v.RxPackets
		s.RxBytes += v.RxBytes
		s.RxDropped += v.RxDropped
		s.TxPackets += v.TxPackets
		s.TxBytes += v.TxBytes
		s.TxDropped += v.TxDropped
	}
	return s, nil
}

// counterTable wraps dp_stats, the datapath-wide per-CPU counters.
type counterTable struct {
	m    *ebpf.Map
	ncpu int
}

func (c *counterTable) read() ([dpCounters]uint64, error) {
	var out [dpCounters]uint64
	vals := make([]uint64, c.ncpu)
	for i := uint32(0); i < dpCounters; i++ {
		if err := c.m.Lookup(i, &vals); err != nil {
			return out, fmt.Errorf("dp_stats: %w", err)
		}
		for _, v := range vals {
			out[i] += v
		}
	}
	return out, nil
}

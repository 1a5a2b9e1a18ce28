package ebpf

import (
	"fmt"

	"github.com/cilium/ebpf"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// execute runs list on frame as if it arrived on inPort. A list the BPF
// code implements runs in BPF (runBPF); any other, and any frame too big for
// a test run, runs in Go (packet.Execute) with each output handed to the BPF
// code as a one-action list, or, when too big, sent by inject and counted
// by the BPF code, so every transmission is counted in one place.
func (d *Datapath) execute(frame []byte, inPort uint32, list []datapath.Action) error {
	acts := list
	if datapath.HasAction(list, datapath.KindSlowPath) {
		acts = nil // Execute ignores the marker; copy the list only then
		for _, a := range list {
			if _, ok := a.(datapath.SlowPath); !ok {
				acts = append(acts, a)
			}
		}
	}
	key := packet.Extract(frame, inPort)
	inBPF := len(acts) <= maxFastActions && len(frame) <= maxRunFrame
	for _, a := range acts {
		if !fastPathRuns(key, a) {
			inBPF = false
		}
	}
	if inBPF {
		_, err := d.runBPF(frame, inPort, key, acts, 0)
		return err
	}
	return d.executeInGo(frame, inPort, key, acts)
}

// executeInGo is execute's Go path (a function of its own so that the
// key its closures capture is not moved to the heap on the BPF path).
func (d *Datapath) executeInGo(frame []byte, inPort uint32, key datapath.FlowKey, acts []datapath.Action) error {
	var err error
	packet.Execute(frame, acts, packet.Env{
		Output: func(port uint32, f []byte) {
			var e error
			if len(f) <= maxRunFrame {
				_, e = d.runBPF(f, inPort, packet.Extract(f, inPort), []datapath.Action{datapath.Output{Port: port}}, 0)
			} else {
				e = d.inject(port, inPort, f)
			}
			if e != nil && err == nil {
				err = e
			}
		},
		Meter: func(id uint32, n int) (datapath.MeterBand, bool) {
			band, ok, e := d.meterInBPF(id, n, inPort)
			if e != nil && err == nil {
				err = e
			}
			return band, ok
		},
		Upcall: func(r datapath.UpcallReason, cookie uint64, f []byte) {
			d.deliver(datapath.Upcall{Reason: r, InPort: inPort, Cookie: cookie, Key: key, Frame: f})
		},
	})
	return err
}

// execLast is the request exec_map holds, so that runBPF rewrites the
// map only when the next one differs.
type execLast struct {
	req  tcportExecReq
	ok   bool          // req is what exec_map holds
	next tcportExecReq // the request being run
}

// runBPF runs list on frame with xvs_tc_exec through BPF_PROG_RUN: the
// same action code as the fast path, with every output a clone that the
// kernel really transmits (a test run does not carry out a plain redirect).
// The list goes through exec_map, so runs are serialised by execMu.
// standinLen, if not 0, is the length meters charge instead of len(frame).
// The result is the program's report (run_actions in lib/actions.h).
func (d *Datapath) runBPF(frame []byte, inPort uint32, key datapath.FlowKey, list []datapath.Action, standinLen uint32) (uint32, error) {
	e, err := encodeActions(key, list)
	if err != nil {
		return 0, err
	}
	d.execMu.Lock()
	defer d.execMu.Unlock()
	x := &d.execLast // the request is built there: no allocation a run
	x.next = tcportExecReq{InPort: inPort, StandinLen: standinLen, Acts: e.fast}
	if !x.ok || x.next != x.req {
		// Packets of one flow (and new flows with the same actions, as
		// a burst of misses) run the same request: one system call less
		// each. Only runBPF writes exec_map, and the BPF side only reads
		// it; a failed update leaves it unknown.
		x.ok = false
		if err := d.objs.tc.ExecMap.Update(uint32(0), &x.next, ebpf.UpdateAny); err != nil {
			return 0, fmt.Errorf("execute: exec_map: %w", err)
		}
		x.req, x.ok = x.next, true
	}
	ret, err := progRun(d.objs.tc.XvsTcExec.FD(), frame)
	if err != nil {
		return 0, fmt.Errorf("execute: %d-byte frame: %w", len(frame), err)
	}
	return ret, nil
}

// meterInBPF measures a frame of n bytes against meter id for a list that
// runs in Go. The BPF meter code does it, on the meter's one bucket in the
// meters map under its spin lock, so a meter limits the sum of what the
// fast path and userspace send; Go never keeps a bucket of its own. The
// frame handed to the test run is a stand-in (meters look at its length
// only, given as standin_len); the band that applied comes back in the
// program's return value, and its settings are read from the map entry.
func (d *Datapath) meterInBPF(id uint32, n int, inPort uint32) (datapath.MeterBand, bool, error) {
	stand := make([]byte, 64)
	ret, err := d.runBPF(stand, inPort, packet.Extract(stand, inPort), []datapath.Action{datapath.Meter{ID: id}}, uint32(max(n, 1)))
	if err != nil {
		return datapath.MeterBand{}, false, err
	}
	band := int(ret>>8) & 0xff
	if band == 0 {
		return datapath.MeterBand{}, false, nil
	}
	var m tcportMeter
	if err := d.objs.tc.Meters.LookupWithFlags(id, &m, ebpf.LookupLock); err != nil || band > int(m.Nbands) || band > maxBands {
		// Deleted or changed since: the packet passed the bucket it met.
		return datapath.MeterBand{}, false, nil
	}
	b := m.Bands[band-1]
	mb := datapath.MeterBand{Type: datapath.BandDrop, Rate: b.Rate, Burst: b.Burst}
	if b.Type == bandDSCP {
		mb.Type = datapath.BandDSCPRemark
		mb.PrecLevel = uint8(b.Prec)
	}
	return mb, true, nil
}

// runInternal executes a packet of an entry the BPF code handed up
// (FLOW_F_USERSPACE) with the entry's actions.
func (d *Datapath) runInternal(u datapath.Upcall) {
	if d.enter() != nil {
		return
	}
	defer d.leave()
	f, err := d.get(u.Key)
	if err != nil {
		return // deleted meanwhile: the packet is dropped
	}
	if err := d.execute(u.Frame, u.InPort, f.Actions); err != nil {
		d.log.Debug("userspace execution", "key", u.Key.String(), "err", err)
	}
}

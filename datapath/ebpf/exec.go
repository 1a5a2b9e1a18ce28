package ebpf

import (
	"fmt"

	"github.com/cilium/ebpf"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// execute runs list on frame as if it arrived on inPort. A list the BPF
// code implements runs in BPF (runBPF); any other runs in Go
// (packet.Execute) with each output handed to the BPF code as a one-action
// list, so every transmission and its counters go through one place.
func (d *Datapath) execute(frame []byte, inPort uint32, list []datapath.Action) error {
	var acts []datapath.Action
	for _, a := range list {
		if _, ok := a.(datapath.SlowPath); !ok { // Execute ignores the marker
			acts = append(acts, a)
		}
	}
	key := packet.Extract(frame, inPort)
	inBPF := len(acts) <= maxFastActions
	for _, a := range acts {
		if !fastPathRuns(key, a) {
			inBPF = false
		}
	}
	if inBPF {
		return d.runBPF(frame, inPort, key, acts)
	}
	var err error
	packet.Execute(frame, acts, packet.Env{
		Output: func(port uint32, f []byte) {
			if e := d.runBPF(f, inPort, packet.Extract(f, inPort), []datapath.Action{datapath.Output{Port: port}}); e != nil && err == nil {
				err = e
			}
		},
		Upcall: func(r datapath.UpcallReason, cookie uint64, f []byte) {
			d.deliver(datapath.Upcall{Reason: r, InPort: inPort, Cookie: cookie, Key: key, Frame: f})
		},
	})
	return err
}

// runBPF runs list on frame with xvs_tc_exec through BPF_PROG_RUN: the
// same action code as the fast path, with every output a clone that the
// kernel really transmits (a test run does not carry out a plain redirect).
// The list goes through exec_map, so runs are serialised by execMu.
func (d *Datapath) runBPF(frame []byte, inPort uint32, key datapath.FlowKey, list []datapath.Action) error {
	e, err := encodeActions(key, list)
	if err != nil {
		return err
	}
	req := tcportExecReq{InPort: inPort, Acts: e.fast}
	d.execMu.Lock()
	defer d.execMu.Unlock()
	if err := d.objs.tc.ExecMap.Update(uint32(0), &req, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("execute: exec_map: %w", err)
	}
	if _, err := d.objs.tc.XvsTcExec.Run(&ebpf.RunOptions{Data: frame}); err != nil {
		return fmt.Errorf("execute: %d-byte frame: %w", len(frame), err)
	}
	return nil
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

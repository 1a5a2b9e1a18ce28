package ebpf

import (
	"fmt"

	"github.com/cilium/ebpf"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
)

// execute runs list on frame with xvs_tc_exec through BPF_PROG_RUN: the
// same action code as the fast path, with every output a clone that the
// kernel really transmits (a test run does not carry out a plain redirect).
// The list goes through exec_map, so runs are serialised by execMu.
func (d *Datapath) execute(frame []byte, inPort uint32, list []datapath.Action) error {
	var fast []datapath.Action
	for _, a := range list {
		if _, ok := a.(datapath.SlowPath); ok {
			continue // Execute ignores the marker
		}
		fast = append(fast, a)
	}
	if len(fast) > maxFastActions {
		return fmt.Errorf("execute: %d actions: the BPF executor runs at most %d", len(fast), maxFastActions)
	}
	key := packet.Extract(frame, inPort)
	e, err := encodeActions(key, fast)
	if err != nil {
		return err
	}
	for _, a := range fast {
		if !fastPathRuns(key, a) {
			return fmt.Errorf("execute: %s: %w", datapath.FormatAction(a), errNotInBPF)
		}
	}
	req := tcportExecReq{InPort: inPort, Acts: e.fast}
	d.execMu.Lock()
	defer d.execMu.Unlock()
	if err := d.objs.tc.ExecMap.Update(uint32(0), &req, ebpf.UpdateAny); err != nil {
		return fmt.Errorf("execute: exec_map: %w", err)
	}
	if _, err := d.objs.tc.XvsTcExec.Run(&ebpf.RunOptions{Data: frame}); err != nil {
		return fmt.Errorf("execute: %w", err)
	}
	return nil
}

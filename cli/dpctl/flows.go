package dpctl

import (
	"errors"
	"fmt"

	"github.com/xvs-switch/xvs/datapath"
)

type jsonFlow struct {
	Key      string   `json:"key"`
	InPort   uint32   `json:"in_port"`
	Packets  uint64   `json:"packets"`
	Bytes    uint64   `json:"bytes"`
	Used     *float64 `json:"used"` // seconds ago; null: never
	TCPFlags uint16   `json:"tcp_flags"`
	Actions  string   `json:"actions"`
	SlowPath bool     `json:"slow_path"`
	PortWide bool     `json:"port_wide"` // the entry takes every packet of in_port
}

// dumpFlows prints one line per flow in the ovs-dpctl dump-flows form.
func dumpFlows(e *env, _ []string) error {
	out := []jsonFlow{}
	err := e.dp.Dump(0, func(fs []datapath.Flow) error {
		for _, f := range fs {
			if !e.json {
				if _, err := fmt.Fprintln(e.w, datapath.FormatFlow(f, e.now)); err != nil {
					return err
				}
				continue
			}
			j := jsonFlow{Key: f.KeyString(), InPort: f.Key.InPort, Packets: f.Stats.Packets, Bytes: f.Stats.Bytes,
				TCPFlags: f.Stats.TCPFlags, Actions: datapath.FormatActions(f.Actions), SlowPath: f.SlowPath,
				PortWide: f.PortWide()}
			if !f.Stats.Used.IsZero() {
				s := max(e.now.Sub(f.Stats.Used).Seconds(), 0)
				j.Used = &s
			}
			out = append(out, j)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if e.json {
		return e.writeJSON(out)
	}
	return nil
}

// flowArgs parses "FLOW ACTIONS" (two arguments, as ovs-dpctl takes them)
// or one "FLOW, actions:ACTIONS" line as dump-flows prints it.
func flowArgs(args []string) (datapath.FlowKey, []datapath.Action, error) {
	switch len(args) {
	case 1:
		return datapath.ParseFlow(args[0])
	case 2:
		k, err := datapath.ParseKey(args[0])
		if err != nil {
			return k, nil, err
		}
		a, err := datapath.ParseActions(args[1])
		return k, a, err
	}
	return datapath.FlowKey{}, nil, fmt.Errorf("%w: want FLOW ACTIONS", errUsage)
}

func addFlow(e *env, args []string) error {
	k, a, err := flowArgs(args)
	if err != nil {
		return err
	}
	return e.dp.Put(k, a, datapath.PutCreate)
}

func modFlow(e *env, args []string) error {
	flags := datapath.PutModify
	if len(args) > 0 && args[0] == "--clear" {
		flags |= datapath.PutResetStats
		args = args[1:]
	}
	k, a, err := flowArgs(args)
	if err != nil {
		return err
	}
	k, wide, err := resolveKey(e, k)
	if err != nil {
		return err
	}
	if wide {
		flags |= datapath.PutPortWide // it stays port-wide if it can
	}
	return e.dp.Put(k, a, flags)
}

// resolveKey finds the entry a key names: the key itself, or, for a key
// of the in_port alone as dump-flows prints a port-wide entry
// ("in_port(1)"), the port's port-wide entry when no entry has that
// bare key. wide says the entry found is port-wide.
func resolveKey(e *env, k datapath.FlowKey) (datapath.FlowKey, bool, error) {
	if k != (datapath.FlowKey{InPort: k.InPort}) {
		return k, false, nil
	}
	if _, err := e.dp.Get(k); !errors.Is(err, datapath.ErrNoSuchFlow) {
		return k, false, nil // that key's entry, or another error for the caller to meet
	}
	found, wide := k, false
	errFound := errors.New("found")
	err := e.dp.Dump(0, func(fs []datapath.Flow) error {
		for _, f := range fs {
			if f.Key.InPort == k.InPort && f.PortWide() {
				found, wide = f.Key, true
				return errFound
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errFound) {
		return k, false, err
	}
	return found, wide, nil
}

func delFlow(e *env, args []string) error {
	k, err := datapath.ParseKey(args[0])
	if err != nil {
		return err
	}
	if k, _, err = resolveKey(e, k); err != nil {
		return err
	}
	st, err := e.dp.Delete(k)
	if errors.Is(err, datapath.ErrNoSuchFlow) {
		return fmt.Errorf("%v: no such flow", k)
	}
	if err != nil {
		return err
	}
	if e.json {
		return e.writeJSON(map[string]uint64{"packets": st.Packets, "bytes": st.Bytes})
	}
	fmt.Fprintln(e.w, datapath.FormatStats(st, e.now))
	return nil
}

func delFlows(e *env, _ []string) error {
	return e.dp.Flush()
}

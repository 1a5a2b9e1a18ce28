package ofctl

// Group, meter and port commands: add-group, mod-group, del-groups,
// dump-groups, dump-group-stats, add-meter, mod-meter, del-meters,
// dump-meters, meter-stats, mod-port.

import (
	"fmt"
	"strings"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// modify parses with parse, connects, sends the message and a barrier.
func (e *env) modify(target string, what string, parse func() (ofp.Message, error)) error {
	m, err := parse()
	if err != nil {
		return badUsage("%v", err)
	}
	c, err := e.connect(target)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := needVersion13(c, what); err != nil {
		return err
	}
	return c.transact([]ofp.Message{m})
}

func groupCmd(command uint16) func(e *env, args []string) error {
	return func(e *env, args []string) error {
		text := "group_id=all"
		if len(args) > 1 {
			text = args[1]
			if command == ofp.GroupDelete && !strings.Contains(text, "=") {
				text = "group_id=" + text
			}
		}
		return e.modify(args[0], "groups", func() (ofp.Message, error) { return ofp.ParseGroup(text, command) })
	}
}

var (
	cmdAddGroup  = groupCmd(ofp.GroupAdd)
	cmdModGroup  = groupCmd(ofp.GroupModify)
	cmdDelGroups = groupCmd(ofp.GroupDelete)
	cmdAddMeter  = meterCmd(ofp.MeterAdd)
	cmdModMeter  = meterCmd(ofp.MeterModify)
	cmdDelMeters = meterCmd(ofp.MeterDelete)
)

func groupArg(args []string) (uint32, error) {
	if len(args) < 2 {
		return ofp.GroupAll, nil
	}
	g, err := ofp.ParseGroupID(args[1])
	if err != nil {
		return 0, badUsage("%v", err)
	}
	return g, nil
}

// cmdDumpGroups prints group descriptions; OpenFlow 1.3 has no per-group
// description request, so one group is picked from the full reply.
func cmdDumpGroups(e *env, args []string) error {
	g, err := groupArg(args)
	if err != nil {
		return err
	}
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	if err := needVersion13(c, "dump-groups"); err != nil {
		return err
	}
	r, err := c.request(mp(&ofp.GroupDescRequest{}))
	if err != nil {
		return err
	}
	if g != ofp.GroupAll {
		if rep, ok := r.m.(*ofp.MultipartReply); ok {
			if body, ok := rep.Body.(*ofp.GroupDescReply); ok {
				var keep []ofp.GroupDesc
				for _, d := range body.Entries {
					if d.GroupID == g {
						keep = append(keep, d)
					}
				}
				body.Entries = keep
				r.parts = nil // print the filtered, joined reply
			}
		}
	}
	return e.print(r)
}

func cmdDumpGroupStats(e *env, args []string) error {
	g, err := groupArg(args)
	if err != nil {
		return err
	}
	return e.simpleRequests(args[0], mp(&ofp.GroupStatsRequest{GroupID: g}), nil)
}

func meterCmd(command uint16) func(e *env, args []string) error {
	return func(e *env, args []string) error {
		text := "meter=all"
		if len(args) > 1 {
			text = args[1]
			if command == ofp.MeterDelete && !strings.Contains(text, "=") {
				text = "meter=" + text
			}
		}
		return e.modify(args[0], "meters", func() (ofp.Message, error) { return ofp.ParseMeter(text, command) })
	}
}

func meterArg(args []string) (uint32, error) {
	if len(args) < 2 {
		return ofp.MeterAll, nil
	}
	m, err := ofp.ParseMeterID(args[1])
	if err != nil {
		return 0, badUsage("%v", err)
	}
	return m, nil
}

func cmdDumpMeters(e *env, args []string) error {
	m, err := meterArg(args)
	if err != nil {
		return err
	}
	return e.simpleRequests(args[0], mp(&ofp.MeterConfigRequest{MeterRequest: ofp.MeterRequest{MeterID: m}}), nil)
}

func cmdMeterStats(e *env, args []string) error {
	m, err := meterArg(args)
	if err != nil {
		return err
	}
	return e.simpleRequests(args[0], mp(&ofp.MeterStatsRequest{MeterRequest: ofp.MeterRequest{MeterID: m}}), nil)
}

// portModActions are mod-port's ACTION words: the config bit and whether
// the word sets it.
var portModActions = map[string]struct {
	bit ofp.PortConfig
	set bool
}{
	"up": {ofp.PortConfigDown, false}, "down": {ofp.PortConfigDown, true},
	"receive": {ofp.PortConfigNoRecv, false}, "no-receive": {ofp.PortConfigNoRecv, true},
	"forward": {ofp.PortConfigNoFwd, false}, "no-forward": {ofp.PortConfigNoFwd, true},
	"packet-in": {ofp.PortConfigNoPacketIn, false}, "no-packet-in": {ofp.PortConfigNoPacketIn, true},
}

// cmdModPort sets one config bit of a port given by number or name; the
// port-mod must carry the port's hardware address (spec 1.3.5 §7.3.4.3,
// 1.0.0 §5.3.3), so the ports are read first: from the port descriptions
// in 1.3, from the features reply in 1.0. The config bits have the same
// values in both versions.
func cmdModPort(e *env, args []string) error {
	act, ok := portModActions[strings.ToLower(args[2])]
	if !ok {
		return badUsage("unknown action %q (want up, down, receive, no-receive, forward, no-forward, packet-in, no-packet-in)", args[2])
	}
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	want, numErr := ofp.ParsePort(args[1])
	var config ofp.PortConfig
	if act.set {
		config = act.bit
	}
	if c.version == ofp.Version10 {
		r, err := c.request(&ofp.FeaturesRequest{})
		if err != nil {
			return err
		}
		if f, ok := r.m.(*ofp.FeaturesReply10); ok {
			for _, p := range f.Ports {
				if p.Name == args[1] || (numErr == nil && p.PortNo.To13() == want) {
					return c.transact([]ofp.Message{&ofp.PortMod10{PortNo: p.PortNo, HWAddr: p.HWAddr,
						Config: uint32(config), Mask: uint32(act.bit)}})
				}
			}
		}
		return fmt.Errorf("%s: no such port", args[1])
	}
	r, err := c.request(mp(&ofp.PortDescRequest{}))
	if err != nil {
		return err
	}
	rep, _ := r.m.(*ofp.MultipartReply)
	var ports []ofp.Port
	if rep != nil {
		if body, ok := rep.Body.(*ofp.PortDescReply); ok {
			ports = body.Ports
		}
	}
	for _, p := range ports {
		if p.Name == args[1] || (numErr == nil && p.PortNo == want) {
			return c.transact([]ofp.Message{&ofp.PortMod{PortNo: p.PortNo, HWAddr: p.HWAddr, Config: config, Mask: act.bit}})
		}
	}
	return fmt.Errorf("%s: no such port", args[1])
}

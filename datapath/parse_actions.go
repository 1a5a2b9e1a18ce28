package datapath

import (
	"errors"
	"fmt"
	"strings"
)

// ParseActions parses an action list in the text form FormatActions prints.
// "drop" and the empty string are the empty list. set(x(a=1,b=2)) with
// several fields gives one action per field, in order.
func ParseActions(s string) ([]Action, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "drop" {
		return nil, nil
	}
	items, err := splitTop(s)
	if err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	var list []Action
	for _, it := range items {
		acts, err := parseAction(it)
		if err != nil {
			return nil, fmt.Errorf("actions: %q: %w", it, err)
		}
		list = append(list, acts...)
	}
	if err := ValidateActions(list); err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	return list, nil
}

var bareActions = map[string]Action{
	"pop_vlan": PopVLAN{}, "dec_ttl": DecTTL{}, "dec_mpls_ttl": DecMPLSTTL{},
	"copy_ttl_in": CopyTTLIn{}, "copy_ttl_out": CopyTTLOut{}, "pop_pbb": PopPBB{},
	"slow_path": SlowPath{},
}

func parseAction(it string) ([]Action, error) {
	if it != "" && it[0] >= '0' && it[0] <= '9' {
		var port uint32
		if err := num(it, 32, &port); err != nil {
			return nil, err
		}
		return []Action{Output{port}}, nil
	}
	name, arg, err := splitAttr(it)
	if err != nil {
		return nil, err
	}
	if a, ok := bareActions[name]; ok {
		if arg != "" {
			return nil, fmt.Errorf("%s takes no argument", name)
		}
		return []Action{a}, nil
	}
	switch name {
	case "push_vlan":
		a := PushVLAN{TPID: EthTypeVLAN}
		var vid uint16
		var pcp, dei uint8
		err = eachKV(name, arg, func(key, v string) error {
			switch key {
			case "tpid":
				return num(v, 16, &a.TPID)
			case "vid":
				return num(v, 12, &vid)
			case "pcp":
				return num(v, 3, &pcp)
			case "dei", "cfi":
				return num(v, 1, &dei)
			}
			return errUnknown(key)
		})
		a.TCI = MakeTCI(vid, pcp, dei == 1)
		return []Action{a}, err
	case "push_mpls":
		a := PushMPLS{EthType: EthTypeMPLS}
		err = eachKV(name, arg, func(key, v string) error {
			switch key {
			case "label":
				return num(v, 20, &a.Label)
			case "tc":
				return num(v, 3, &a.TC)
			case "ttl":
				return num(v, 8, &a.TTL)
			case "eth_type":
				return num(v, 16, &a.EthType)
			case "bos": // Open vSwitch prints it; here it follows from the frame
				var b uint8
				return num(v, 1, &b)
			}
			return errUnknown(key)
		})
		return []Action{a}, err
	case "pop_mpls":
		var a PopMPLS
		err = eachKV(name, arg, func(key, v string) error {
			if key != "eth_type" {
				return errUnknown(key)
			}
			return num(v, 16, &a.EthType)
		})
		return []Action{a}, err
	case "push_pbb":
		var a PushPBB
		err = eachKV(name, arg, func(key, v string) error {
			if key != "isid" {
				return errUnknown(key)
			}
			return num(v, 24, &a.ISID)
		})
		return []Action{a}, err
	case "userspace":
		var a Userspace
		err = eachKV(name, arg, func(key, v string) error {
			if key != "cookie" {
				return errUnknown(key)
			}
			return num(v, 64, &a.Cookie)
		})
		return []Action{a}, err
	case "meter":
		var a Meter
		return []Action{a}, num(arg, 32, &a.ID)
	case "set":
		return parseSet(arg)
	}
	return nil, fmt.Errorf("unknown action %q", name)
}

func parseSet(s string) ([]Action, error) {
	hdr, arg, err := splitAttr(s)
	if err != nil {
		return nil, err
	}
	var list []Action
	err = eachKV(hdr, arg, func(key, v string) error {
		var a Action
		var err error
		// Open vSwitch's whole-header forms: set(ipv4(tos=..,ttl=..)),
		// set(ipv6(tclass=..,hlimit=..)), set(tcp(src=..)), set(icmpv6(..)).
		switch hdr + "." + key {
		case "ipv4.tos", "ipv6.tclass":
			var tos uint8
			err = num(v, 8, &tos)
			list = append(list, SetIPDSCP{tos >> 2}, SetIPECN{tos & 3})
			return err
		case "ipv4.ttl", "ipv6.hlimit":
			hdr, key = "ip", "ttl"
		case "tcp.src", "udp.src", "sctp.src":
			hdr, key = "l4", "src"
		case "tcp.dst", "udp.dst", "sctp.dst":
			hdr, key = "l4", "dst"
		case "icmpv6.type", "icmpv6.code":
			hdr = "icmp"
		}
		switch hdr + "." + key {
		case "vlan.vid":
			var x SetVLANVID
			err = num(v, 12, &x.VID)
			a = x
		case "vlan.pcp":
			var x SetVLANPCP
			err = num(v, 3, &x.PCP)
			a = x
		case "eth.src":
			var x SetEthSrc
			err = macv(v, &x.Addr)
			a = x
		case "eth.dst":
			var x SetEthDst
			err = macv(v, &x.Addr)
			a = x
		case "ipv4.src":
			var x SetIPv4Src
			err = ip4v(v, &x.Addr)
			a = x
		case "ipv4.dst":
			var x SetIPv4Dst
			err = ip4v(v, &x.Addr)
			a = x
		case "ip.dscp":
			var x SetIPDSCP
			err = num(v, 6, &x.DSCP)
			a = x
		case "ip.ecn":
			var x SetIPECN
			err = num(v, 2, &x.ECN)
			a = x
		case "ip.ttl":
			var x SetIPTTL
			err = num(v, 8, &x.TTL)
			a = x
		case "ipv6.src":
			var x SetIPv6Src
			err = ip6v(v, &x.Addr)
			a = x
		case "ipv6.dst":
			var x SetIPv6Dst
			err = ip6v(v, &x.Addr)
			a = x
		case "l4.src":
			var x SetTPSrc
			err = num(v, 16, &x.Port)
			a = x
		case "l4.dst":
			var x SetTPDst
			err = num(v, 16, &x.Port)
			a = x
		case "icmp.type":
			var x SetICMPType
			err = num(v, 8, &x.Type)
			a = x
		case "icmp.code":
			var x SetICMPCode
			err = num(v, 8, &x.Code)
			a = x
		case "mpls.label":
			var x SetMPLSLabel
			err = num(v, 20, &x.Label)
			a = x
		case "mpls.tc":
			var x SetMPLSTC
			err = num(v, 3, &x.TC)
			a = x
		case "mpls.ttl":
			var x SetMPLSTTL
			err = num(v, 8, &x.TTL)
			a = x
		case "mpls.bos":
			var x SetMPLSBOS
			err = num(v, 1, &x.BOS)
			a = x
		case "arp.op":
			var x SetARPOp
			err = num(v, 16, &x.Op)
			a = x
		case "arp.sip":
			var x SetARPSpa
			err = ip4v(v, &x.Addr)
			a = x
		case "arp.tip":
			var x SetARPTpa
			err = ip4v(v, &x.Addr)
			a = x
		case "arp.sha":
			var x SetARPSha
			err = macv(v, &x.Addr)
			a = x
		case "arp.tha":
			var x SetARPTha
			err = macv(v, &x.Addr)
			a = x
		case "nd.target":
			var x SetNDTarget
			err = ip6v(v, &x.Addr)
			a = x
		case "nd.sll":
			var x SetNDSLL
			err = macv(v, &x.Addr)
			a = x
		case "nd.tll":
			var x SetNDTLL
			err = macv(v, &x.Addr)
			a = x
		case "ipv6.label":
			var x SetIPv6Label
			err = num(v, 20, &x.Label)
			a = x
		case "pbb.isid":
			var x SetPBBISID
			err = num(v, 24, &x.ISID)
			a = x
		default:
			return fmt.Errorf("cannot set %s(%s)", hdr, key)
		}
		list = append(list, a)
		return err
	})
	if err == nil && len(list) == 0 {
		err = errors.New("set: no field")
	}
	return list, err
}

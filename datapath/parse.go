package datapath

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// ParseFlow parses one line in the form FormatFlow prints (statistics are
// optional and ignored): "KEY[, packets:.., bytes:.., used:..], actions:LIST".
func ParseFlow(line string) (FlowKey, []Action, error) {
	i := strings.LastIndex(line, "actions:")
	if i < 0 {
		return FlowKey{}, nil, errors.New("flow: no actions:")
	}
	keyText, actText := line[:i], line[i+len("actions:"):]
	if j := strings.Index(keyText, "packets:"); j >= 0 {
		keyText = keyText[:j]
	}
	keyText = strings.TrimRight(strings.TrimSpace(keyText), ",")
	k, err := ParseKey(keyText)
	if err != nil {
		return FlowKey{}, nil, err
	}
	acts, err := ParseActions(actText)
	if err != nil {
		return FlowKey{}, nil, err
	}
	return k, acts, nil
}

// ParseKey parses a key in the text form FlowKey.String prints. Attributes
// left out are zero; the presence bits follow from the attributes given
// (eth_type alone implies an Ethernet header).
func ParseKey(s string) (FlowKey, error) {
	var p keyParser
	if err := p.attrs(strings.TrimSpace(s), 0); err != nil {
		return FlowKey{}, fmt.Errorf("flow key: %w", err)
	}
	return p.k, nil
}

type keyParser struct {
	k     FlowKey
	vlans int
}

func (p *keyParser) attrs(s string, depth int) error {
	items, err := splitTop(s)
	if err != nil {
		return err
	}
	k := &p.k
	for _, it := range items {
		name, arg, err := splitAttr(it)
		if err != nil {
			return err
		}
		switch name {
		case "tunnel":
			k.Fields |= FieldTunnel
			err = eachKV(name, arg, func(key, v string) error {
				if key != "tun_id" {
					return errUnknown(key)
				}
				return num(v, 64, &k.TunnelID)
			})
		case "in_port":
			err = num(arg, 32, &k.InPort)
		case "eth":
			k.Fields |= FieldEth
			err = eachKV(name, arg, func(key, v string) error {
				switch key {
				case "src":
					return macv(v, &k.EthSrc)
				case "dst":
					return macv(v, &k.EthDst)
				}
				return errUnknown(key)
			})
		case "eth_type":
			k.Fields |= FieldEth
			err = num(arg, 16, &k.EthType)
		case "vlan":
			if p.vlans >= 2 {
				return errors.New("vlan: more than two tags")
			}
			tag := VLANTag{TPID: k.EthType}
			if tag.TPID != EthTypeVLAN && tag.TPID != EthTypeQinQ {
				tag.TPID = EthTypeVLAN
			}
			var vid uint16
			var pcp uint8
			var dei bool
			err = eachKV(name, arg, func(key, v string) error {
				switch key {
				case "vid":
					return num(v, 12, &vid)
				case "pcp":
					return num(v, 3, &pcp)
				case "dei", "cfi":
					var d uint8
					err := num(v, 1, &d)
					dei = d == 1
					return err
				}
				return errUnknown(key)
			})
			tag.TCI = MakeTCI(vid, pcp, dei)
			k.VLAN[p.vlans] = tag
			k.Fields |= FieldEth | FieldVLAN0<<p.vlans
			p.vlans++
		case "encap":
			if depth >= 2 {
				return errors.New("encap: nested too deep")
			}
			err = p.attrs(arg, depth+1)
		case "mpls":
			k.Fields |= FieldMPLS
			err = eachKV(name, arg, func(key, v string) error {
				switch key {
				case "label":
					return num(v, 20, &k.MPLSLabel)
				case "tc":
					return num(v, 3, &k.MPLSTC)
				case "ttl":
					return num(v, 8, &k.MPLSTTL)
				case "bos":
					return num(v, 1, &k.MPLSBOS)
				}
				return errUnknown(key)
			})
		case "pbb":
			k.Fields |= FieldPBB
			err = eachKV(name, arg, func(key, v string) error {
				if key != "isid" {
					return errUnknown(key)
				}
				return num(v, 24, &k.PBBISID)
			})
		case "arp":
			k.Fields |= FieldARP
			err = eachKV(name, arg, func(key, v string) error {
				switch key {
				case "sip":
					return ip4v(v, &k.ARPSpa)
				case "tip":
					return ip4v(v, &k.ARPTpa)
				case "op":
					return num(v, 16, &k.ARPOp)
				case "sha":
					return macv(v, &k.ARPSha)
				case "tha":
					return macv(v, &k.ARPTha)
				}
				return errUnknown(key)
			})
		case "ipv4":
			k.Fields |= FieldIPv4
			err = eachKV(name, arg, func(key, v string) error {
				switch key {
				case "src":
					return ip4v(v, &k.IPv4Src)
				case "dst":
					return ip4v(v, &k.IPv4Dst)
				case "proto":
					return num(v, 8, &k.IPProto)
				case "tos":
					return num(v, 8, &k.IPTOS)
				case "ttl":
					return num(v, 8, &k.IPTTL)
				case "frag":
					return fragv(v, &k.IPFrag)
				}
				return errUnknown(key)
			})
		case "ipv6":
			k.Fields |= FieldIPv6
			err = eachKV(name, arg, func(key, v string) error {
				switch key {
				case "src":
					return ip6v(v, &k.IPv6Src)
				case "dst":
					return ip6v(v, &k.IPv6Dst)
				case "label":
					return num(v, 20, &k.IPv6Label)
				case "proto":
					return num(v, 8, &k.IPProto)
				case "tclass":
					return num(v, 8, &k.IPTOS)
				case "hlimit":
					return num(v, 8, &k.IPTTL)
				case "frag":
					return fragv(v, &k.IPFrag)
				}
				return errUnknown(key)
			})
		case "ipv6_exthdr":
			err = num(arg, 9, &k.IPv6ExtHdr)
		case "tcp", "udp", "sctp":
			k.Fields |= map[string]KeyFields{"tcp": FieldTCP, "udp": FieldUDP, "sctp": FieldSCTP}[name]
			err = eachKV(name, arg, func(key, v string) error {
				switch key {
				case "src":
					return num(v, 16, &k.TPSrc)
				case "dst":
					return num(v, 16, &k.TPDst)
				}
				return errUnknown(key)
			})
		case "tcp_flags":
			err = parseTCPFlags(arg, &k.TCPFlags)
		case "icmp", "icmpv6":
			if name == "icmp" {
				k.Fields |= FieldICMP
			} else {
				k.Fields |= FieldICMPv6
			}
			err = eachKV(name, arg, func(key, v string) error {
				switch key {
				case "type":
					return num(v, 8, &k.ICMPType)
				case "code":
					return num(v, 8, &k.ICMPCode)
				}
				return errUnknown(key)
			})
		case "nd":
			k.Fields |= FieldND
			err = eachKV(name, arg, func(key, v string) error {
				switch key {
				case "target":
					return ip6v(v, &k.NDTarget)
				case "sll":
					return macv(v, &k.NDSLL)
				case "tll":
					return macv(v, &k.NDTLL)
				}
				return errUnknown(key)
			})
		default:
			return fmt.Errorf("unknown attribute %q", name)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// splitTop splits s at the commas outside parentheses.
func splitTop(s string) ([]string, error) {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return nil, errors.New("unbalanced ')'")
			}
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, errors.New("unbalanced '('")
	}
	if last := strings.TrimSpace(s[start:]); last != "" || len(out) > 0 {
		out = append(out, last)
	}
	for _, it := range out {
		if it == "" {
			return nil, errors.New("empty attribute")
		}
	}
	return out, nil
}

// splitAttr splits "name(arg)" or "name".
func splitAttr(it string) (name, arg string, err error) {
	i := strings.IndexByte(it, '(')
	if i < 0 {
		return it, "", nil
	}
	if !strings.HasSuffix(it, ")") {
		return "", "", fmt.Errorf("%q: missing ')'", it)
	}
	return it[:i], it[i+1 : len(it)-1], nil
}

func eachKV(name, arg string, fn func(k, v string) error) error {
	items, err := splitTop(arg)
	if err != nil {
		return err
	}
	for _, it := range items {
		k, v, ok := strings.Cut(it, "=")
		if !ok {
			return fmt.Errorf("%q: want key=value", it)
		}
		if err := fn(k, v); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func errUnknown(key string) error { return fmt.Errorf("unknown field %q", key) }

type unsigned interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64
}

// num parses a decimal or 0x-prefixed number of at most bits bits.
func num[T unsigned](s string, bits int, dst *T) error {
	v, err := strconv.ParseUint(s, 0, bits)
	if err != nil {
		return fmt.Errorf("%q: want a %d-bit number", s, bits)
	}
	*dst = T(v)
	return nil
}

func macv(s string, dst *[6]byte) error {
	var b [6]byte
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return fmt.Errorf("%q: not a MAC address", s)
	}
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil || len(p) > 2 {
			return fmt.Errorf("%q: not a MAC address", s)
		}
		b[i] = byte(v)
	}
	*dst = b
	return nil
}

func ip4v(s string, dst *[4]byte) error {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return fmt.Errorf("%q: not an IPv4 address", s)
	}
	*dst = a.As4()
	return nil
}

func ip6v(s string, dst *[16]byte) error {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return fmt.Errorf("%q: not an IPv6 address", s)
	}
	*dst = a.As16()
	return nil
}

func fragv(s string, dst *Frag) error {
	switch s {
	case "no":
		*dst = FragNone
	case "first":
		*dst = FragFirst
	case "later":
		*dst = FragLater
	default:
		return fmt.Errorf("%q: want no, first or later", s)
	}
	return nil
}

// parseTCPFlags reads "syn|ack", a number, or a mix, as tcpFlagNames prints.
func parseTCPFlags(s string, dst *uint16) error {
	var f uint16
	for _, p := range strings.Split(s, "|") {
		i := slices.Index(tcpFlagBits[:], p)
		if i >= 0 {
			f |= 1 << i
			continue
		}
		var v uint16
		if err := num(p, 12, &v); err != nil {
			return fmt.Errorf("%q: want flag names (syn|ack) or a number", s)
		}
		f |= v
	}
	*dst = f
	return nil
}

package vswitchd

// ofproto/trace: a flow in ovs-ofctl's match syntax (ovs-fields(7)) becomes
// a datapath flow key, or a packet given in hex is parsed as the datapath
// would, and the Switch's trace of it is printed with whether the
// datapath caches that key now.

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/ofproto/normal"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

type normalEntry = normal.Entry

func (d *daemon) cmdTrace(_ context.Context, args []string, asJSON bool) (string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	b, err := d.bridge(args[0])
	if err != nil {
		return "", err
	}
	key, err := b.parseTraceFlow(args[1])
	if err != nil {
		return "", err
	}
	var text string
	if len(args) == 3 {
		frame, err := hex.DecodeString(strings.Map(dropSpace, args[2]))
		if err != nil {
			return "", fmt.Errorf("packet: %v", err)
		}
		if len(frame) < 14 {
			return "", errors.New("packet: shorter than an Ethernet header")
		}
		key = packet.Extract(frame, key.InPort)
		tr, err := b.sw.Trace(b.ofportOfDP(key.InPort), frame)
		if err != nil {
			return "", err
		}
		text = tr.String()
	} else {
		tr, err := b.sw.TraceKey(key)
		if err != nil {
			return "", err
		}
		text = tr.String()
	}
	cached := "Datapath cache: no entry for this flow now"
	if f, err := b.dp.Get(key); err == nil {
		cached = "Datapath cache: cached, actions:" + datapath.FormatActions(f.Actions)
	}
	if asJSON {
		return toJSON(map[string]any{"bridge": b.name, "key": key.String(), "trace": text, "cached": cached})
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return text + cached + "\n", nil
}

func dropSpace(r rune) rune {
	if r == ' ' || r == '\t' || r == '\n' || r == ':' {
		return -1
	}
	return r
}

// ofportOfDP maps a datapath port number to its OpenFlow number.
func (b *bridge) ofportOfDP(dp uint32) uint32 {
	for _, p := range b.ports {
		if p.dpPort == dp && p.ofport != 0 {
			return p.ofport
		}
	}
	return 0
}

// parseTraceFlow parses FLOW (in_port by number or name) into a key whose
// InPort is the datapath port.
func (b *bridge) parseTraceFlow(text string) (datapath.FlowKey, error) {
	var inPort uint32
	var rest []string
	for _, tok := range strings.Split(text, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(tok), "=")
		if ok && k == "in_port" {
			p := b.ports[v]
			if p == nil {
				n, err := ofp.ParsePort(v)
				if err != nil {
					return datapath.FlowKey{}, fmt.Errorf("in_port=%s: no such port", v)
				}
				p = b.portByOF(uint32(n))
			}
			if p == nil || p.ofport == 0 {
				return datapath.FlowKey{}, fmt.Errorf("in_port=%s: no such port", v)
			}
			inPort = p.dpPort
			continue
		}
		if strings.TrimSpace(tok) != "" {
			rest = append(rest, tok)
		}
	}
	if inPort == 0 {
		return datapath.FlowKey{}, errors.New("flow: in_port is required")
	}
	var m ofp.Match
	if len(rest) > 0 {
		fs, err := ofp.ParseFlow(strings.Join(rest, ","), ofp.FlowDelete)
		if err != nil {
			return datapath.FlowKey{}, fmt.Errorf("flow: %v", err)
		}
		m = fs.Match
	}
	key, err := keyFromMatch(m)
	key.InPort = inPort
	return key, err
}

// keyFromMatch fills a key from an exact (unmasked) match. Masked fields
// are refused: a trace follows one packet.
func keyFromMatch(m ofp.Match) (datapath.FlowKey, error) {
	k := datapath.FlowKey{Fields: datapath.FieldEth}
	var vlanTCI uint16
	hasVLAN := false
	for _, o := range m.Fields {
		if o.Class != ofp.OXMClassOpenFlowBasic {
			return k, fmt.Errorf("flow: field class %#x not supported by trace", o.Class)
		}
		v := o.Value
		if o.HasMask && o.Field != ofp.OXMVlanVIDField {
			return k, fmt.Errorf("flow: masked field %d: trace needs exact values", o.Field)
		}
		switch o.Field {
		case ofp.OXMEthDstField:
			copy(k.EthDst[:], v)
		case ofp.OXMEthSrcField:
			copy(k.EthSrc[:], v)
		case ofp.OXMEthTypeField:
			k.EthType = be16(v)
		case ofp.OXMVlanVIDField:
			vid := be16(v)
			if vid&0x1000 != 0 {
				hasVLAN = true
				vlanTCI = vlanTCI&^0x0fff | vid&0x0fff
			}
		case ofp.OXMVlanPCPField:
			hasVLAN = true
			vlanTCI = vlanTCI&0x1fff | uint16(v[0]&7)<<13
		case ofp.OXMIPDSCPField:
			k.IPTOS = k.IPTOS&3 | v[0]<<2
		case ofp.OXMIPECNField:
			k.IPTOS = k.IPTOS&^3 | v[0]&3
		case ofp.OXMIPProtoField:
			k.IPProto = v[0]
		case ofp.OXMIPv4SrcField:
			copy(k.IPv4Src[:], v)
		case ofp.OXMIPv4DstField:
			copy(k.IPv4Dst[:], v)
		case ofp.OXMTCPSrcField, ofp.OXMUDPSrcField, ofp.OXMSCTPSrcField:
			k.TPSrc = be16(v)
		case ofp.OXMTCPDstField, ofp.OXMUDPDstField, ofp.OXMSCTPDstField:
			k.TPDst = be16(v)
		case ofp.OXMICMPv4TypeField, ofp.OXMICMPv6TypeField:
			k.ICMPType = v[0]
		case ofp.OXMICMPv4CodeField, ofp.OXMICMPv6CodeField:
			k.ICMPCode = v[0]
		case ofp.OXMARPOpField:
			k.ARPOp = be16(v)
		case ofp.OXMARPSPAField:
			copy(k.ARPSpa[:], v)
		case ofp.OXMARPTPAField:
			copy(k.ARPTpa[:], v)
		case ofp.OXMARPSHAField:
			copy(k.ARPSha[:], v)
		case ofp.OXMARPTHAField:
			copy(k.ARPTha[:], v)
		case ofp.OXMIPv6SrcField:
			copy(k.IPv6Src[:], v)
		case ofp.OXMIPv6DstField:
			copy(k.IPv6Dst[:], v)
		case ofp.OXMIPv6FlabelField:
			k.IPv6Label = uint32(be32(v)) & 0xfffff
		case ofp.OXMIPv6NDTargetField:
			copy(k.NDTarget[:], v)
		case ofp.OXMIPv6NDSLLField:
			copy(k.NDSLL[:], v)
		case ofp.OXMIPv6NDTLLField:
			copy(k.NDTLL[:], v)
		case ofp.OXMTunnelIDField:
			k.TunnelID = uint64(be32(v[:4]))<<32 | uint64(be32(v[4:]))
			k.Fields |= datapath.FieldTunnel
		case ofp.OXMInPortField:
			// handled by the caller
		default:
			return k, fmt.Errorf("flow: field %d not supported by trace", o.Field)
		}
	}
	if hasVLAN {
		k.VLAN[0] = datapath.VLANTag{TPID: 0x8100, TCI: vlanTCI}
		k.Fields |= datapath.FieldVLAN0
	}
	switch k.EthType {
	case 0x0800:
		k.Fields |= datapath.FieldIPv4
		if k.IPTTL == 0 {
			k.IPTTL = 64
		}
	case 0x86dd:
		k.Fields |= datapath.FieldIPv6
		if k.IPTTL == 0 {
			k.IPTTL = 64
		}
	case 0x0806:
		k.Fields |= datapath.FieldARP
	}
	if k.Fields&(datapath.FieldIPv4|datapath.FieldIPv6) != 0 {
		switch k.IPProto {
		case 6:
			k.Fields |= datapath.FieldTCP
		case 17:
			k.Fields |= datapath.FieldUDP
		case 132:
			k.Fields |= datapath.FieldSCTP
		case 1:
			if k.EthType == 0x0800 {
				k.Fields |= datapath.FieldICMP
			}
		case 58:
			if k.EthType == 0x86dd {
				k.Fields |= datapath.FieldICMPv6
			}
		}
	}
	return k, nil
}

func be16(b []byte) uint16 {
	if len(b) < 2 {
		return 0
	}
	return binary.BigEndian.Uint16(b)
}

func be32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

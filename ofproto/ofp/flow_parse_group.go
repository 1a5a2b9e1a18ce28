package ofp

// Group and meter text of ovs-ofctl (ovs-ofctl(8) "Group Syntax" and
// "Meter Syntax") parsed into OFPT_GROUP_MOD (spec 1.3.5 §7.3.4.2) and
// OFPT_METER_MOD (§7.3.4.4).

import (
	"fmt"
	"strings"
)

var groupTypes = map[string]uint8{
	"all": GroupTypeAll, "select": GroupTypeSelect, "indirect": GroupTypeIndirect,
	"ff": GroupTypeFastFailover, "fast_failover": GroupTypeFastFailover,
}

// ParseGroup parses "group_id=1,type=all,bucket=output:1,bucket=..." for a
// group-mod of the given command. A bucket is
// "[weight:N,][watch_port:P,][watch_group:G,][actions=]ACTIONS". Deletes
// need only group_id (default: all groups).
func ParseGroup(text string, command uint16) (*GroupMod, error) {
	gm := &GroupMod{Command: command, GroupID: GroupAll, Type: GroupTypeAll}
	text = strings.TrimSpace(text)
	head, buckets := text, []string(nil)
	if i := strings.Index(text, "bucket="); i >= 0 {
		head = text[:i]
		for _, b := range strings.Split(text[i:], "bucket=")[1:] {
			buckets = append(buckets, strings.TrimRight(strings.TrimSpace(b), ","))
		}
	}
	hasID, hasType := false, false
	for _, tok := range splitTop(head, true) {
		k, v, _ := strings.Cut(tok, "=")
		switch k {
		case "group_id":
			if strings.EqualFold(v, "all") {
				gm.GroupID = GroupAll
			} else {
				id, err := parseUint(v, 32)
				if err != nil || uint32(id) > GroupMax {
					return nil, tokErr(tok, "group_id must be 0 to %d (or all)", GroupMax)
				}
				gm.GroupID = uint32(id)
			}
			hasID = true
		case "type":
			t, ok := groupTypes[strings.ToLower(v)]
			if !ok {
				return nil, tokErr(tok, "unknown group type (want all, select, indirect or ff)")
			}
			gm.Type, hasType = t, true
		default:
			return nil, tokErr(tok, "unknown group keyword")
		}
	}
	if command == GroupDelete {
		if len(buckets) > 0 || hasType {
			return nil, tokErr(text, "deleting groups takes only group_id")
		}
		return gm, nil
	}
	if !hasID {
		return nil, tokErr(text, "must specify group_id")
	}
	if gm.GroupID == GroupAll {
		return nil, tokErr(text, "group_id=all is only for deleting")
	}
	if !hasType {
		return nil, tokErr(text, "must specify a type (all, select, indirect or ff)")
	}
	for _, b := range buckets {
		bk, err := parseBucket(b, gm.Type)
		if err != nil {
			return nil, err
		}
		gm.Buckets = append(gm.Buckets, bk)
	}
	return gm, nil
}

func parseBucket(text string, typ uint8) (Bucket, error) {
	bk := Bucket{WatchPort: PortAny, WatchGroup: GroupAny}
	if typ == GroupTypeSelect {
		bk.Weight = 1
	}
	var acts []string
	toks := splitTop(text, false)
	for i, tok := range toks {
		if strings.HasPrefix(tok, "actions=") {
			acts = append(acts, strings.TrimPrefix(tok, "actions="))
			acts = append(acts, toks[i+1:]...)
			break
		}
		k, v, ok := strings.Cut(tok, ":")
		if !ok {
			k, v, ok = strings.Cut(tok, "=")
		}
		switch {
		case ok && k == "weight":
			w, err := parseUint(v, 16)
			if err != nil {
				return bk, tokErr(tok, "weight must be 0 to 65535")
			}
			bk.Weight = uint16(w)
		case ok && k == "watch_port":
			p, err := ParsePort(v)
			if err != nil {
				return bk, tokErr(tok, "%v", err)
			}
			bk.WatchPort = p
		case ok && k == "watch_group":
			g, err := parseGroupID(v)
			if err != nil {
				return bk, tokErr(tok, "%v", err)
			}
			bk.WatchGroup = g
		case ok && k == "bucket_id":
			return bk, tokErr(tok, "bucket_id needs OpenFlow 1.5")
		default:
			acts = append(acts, tok)
		}
	}
	as, err := ParseActions(strings.Join(acts, ","), Match{})
	if err != nil {
		return bk, err
	}
	bk.Actions = as
	return bk, nil
}

// ParseGroupID reads the GROUP argument of dump-groups and del-groups: a
// number, "all", or "group_id=N".
func ParseGroupID(s string) (uint32, error) {
	return parseGroupID(strings.TrimPrefix(strings.TrimSpace(s), "group_id="))
}

var meterFlags = map[string]uint16{"kbps": MeterFlagKbps, "pktps": MeterFlagPktps, "burst": MeterFlagBurst, "stats": MeterFlagStats}

// ParseMeter parses "meter=1,kbps,burst,stats,bands=type=drop,rate=1000,
// burst_size=100 type=dscp_remark,rate=..,prec_level=1" for a meter-mod of
// the given command. Deletes need only meter (default: all meters).
func ParseMeter(text string, command uint16) (*MeterMod, error) {
	mm := &MeterMod{Command: command, MeterID: MeterAll}
	text = strings.TrimSpace(text)
	head, bands, hasBands := strings.Cut(text, "bands=")
	hasID := false
	for _, tok := range splitTop(head, true) {
		k, v, hasV := strings.Cut(tok, "=")
		if f, ok := meterFlags[k]; ok && !hasV {
			mm.Flags |= f
			continue
		}
		if k != "meter" || !hasV {
			return nil, tokErr(tok, "unknown meter keyword")
		}
		switch strings.ToLower(v) {
		case "all":
			mm.MeterID = MeterAll
		case "slowpath":
			mm.MeterID = MeterSlowpath
		case "controller":
			mm.MeterID = MeterController
		default:
			id, err := parseUint(v, 32)
			if err != nil || id == 0 || uint32(id) > MeterMax {
				return nil, tokErr(tok, "meter id must be 1 to %d (or all, slowpath, controller)", MeterMax)
			}
			mm.MeterID = uint32(id)
		}
		hasID = true
	}
	if command == MeterDelete {
		if hasBands || mm.Flags != 0 {
			return nil, tokErr(text, "deleting meters takes only meter")
		}
		return mm, nil
	}
	if !hasID || mm.MeterID == MeterAll {
		return nil, tokErr(text, "must specify a meter id (meter=N)")
	}
	if mm.Flags&(MeterFlagKbps|MeterFlagPktps) == 0 {
		mm.Flags |= MeterFlagKbps // ovs-ofctl's default unit
	}
	if !hasBands {
		return mm, nil
	}
	var cur map[string]string
	var curTok string
	finish := func() error {
		if cur == nil {
			return nil
		}
		b, err := meterBand(curTok, cur)
		if err != nil {
			return err
		}
		mm.Bands = append(mm.Bands, b)
		return nil
	}
	for _, tok := range splitTop(bands, true) {
		k, v, _ := strings.Cut(tok, "=")
		if k == "type" {
			if err := finish(); err != nil {
				return nil, err
			}
			cur, curTok = map[string]string{}, tok
		} else if cur == nil {
			return nil, tokErr(tok, "a band starts with type=")
		}
		cur[k] = v
	}
	if err := finish(); err != nil {
		return nil, err
	}
	return mm, nil
}

func meterBand(tok string, kv map[string]string) (MeterBand, error) {
	num := func(k string, bits int) (uint64, error) {
		s, ok := kv[k]
		if !ok {
			return 0, nil
		}
		v, err := parseUint(s, bits)
		if err != nil {
			return 0, tokErr(k+"="+s, "%s must be a %d-bit number", k, bits)
		}
		return v, nil
	}
	rate, err := num("rate", 32)
	if err != nil {
		return nil, err
	}
	burst, err := num("burst_size", 32)
	if err != nil {
		return nil, err
	}
	for k := range kv {
		switch k {
		case "type", "rate", "burst_size", "prec_level":
		default:
			return nil, tokErr(k+"="+kv[k], "unknown band keyword")
		}
	}
	switch kv["type"] {
	case "drop":
		return &MeterBandDrop{Rate: uint32(rate), BurstSize: uint32(burst)}, nil
	case "dscp_remark":
		p, err := num("prec_level", 8)
		if err != nil {
			return nil, err
		}
		return &MeterBandDSCPRemark{Rate: uint32(rate), BurstSize: uint32(burst), PrecLevel: uint8(p)}, nil
	}
	return nil, tokErr(tok, "unknown band type (want drop or dscp_remark)")
}

// ParseMeterID reads the METER argument of dump-meters, meter-stats and
// del-meters: a number, "all", or "meter=N".
func ParseMeterID(s string) (uint32, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "meter=")
	if strings.EqualFold(s, "all") || s == "" {
		return MeterAll, nil
	}
	v, err := parseUint(s, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a meter id", s)
	}
	return uint32(v), nil
}

package ofproto

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// wantOFError fails unless err is the *ofp.Error of type and code.
func wantOFError(t *testing.T, err error, typ ofp.ErrorType, code uint16) {
	t.Helper()
	var oe *ofp.Error
	if !errors.As(err, &oe) || oe.Type != typ || oe.Code != code {
		t.Fatalf("error %v, want OFPT_ERROR type %d code %d", err, typ, code)
	}
}

// table lists the flows as "table:priority:cookie:actions", sorted.
func (r *rig) table() []string {
	var out []string
	for _, f := range r.flowStats("") {
		line := formatFlowStats(f)
		act := line[strings.LastIndex(line, "actions=")+len("actions="):]
		out = append(out, fmt.Sprintf("%d:%d:%#x:%s", f.TableID, f.Priority, f.Cookie, act))
	}
	slices.Sort(out)
	return out
}

func TestFlowModSemantics(t *testing.T) {
	type op struct {
		cmd  uint8
		text string
	}
	cases := []struct {
		name  string
		setup []string
		ops   []op
		want  []string
	}{
		{
			name:  "identical match and priority replaces",
			setup: []string{"priority=10,ip,actions=output:1"},
			ops:   []op{{ofp.FlowAdd, "priority=10,ip,actions=output:2"}},
			want:  []string{"0:10:0x0:output:2"},
		},
		{
			name:  "same match other priority adds",
			setup: []string{"priority=10,ip,actions=output:1"},
			ops:   []op{{ofp.FlowAdd, "priority=11,ip,actions=output:2"}},
			want:  []string{"0:10:0x0:output:1", "0:11:0x0:output:2"},
		},
		{
			name:  "modify changes every covered flow",
			setup: []string{"priority=10,ip,nw_src=10.0.0.1,actions=output:1", "priority=20,ip,nw_src=10.0.0.2,actions=output:1", "priority=30,arp,actions=output:1"},
			ops:   []op{{ofp.FlowModify, "ip,actions=output:3"}},
			want:  []string{"0:10:0x0:output:3", "0:20:0x0:output:3", "0:30:0x0:output:1"},
		},
		{
			name:  "modify strict changes only the exact flow",
			setup: []string{"priority=10,ip,actions=output:1", "priority=20,ip,actions=output:1", "priority=10,ip,nw_src=10.0.0.1,actions=output:1"},
			ops:   []op{{ofp.FlowModifyStrict, "priority=10,ip,actions=output:3"}},
			want:  []string{"0:10:0x0:output:1", "0:10:0x0:output:3", "0:20:0x0:output:1"},
		},
		{
			name:  "modify matching nothing adds nothing",
			setup: []string{"priority=10,arp,actions=output:1"},
			ops:   []op{{ofp.FlowModify, "ip,actions=output:3"}},
			want:  []string{"0:10:0x0:output:1"},
		},
		{
			name:  "modify keeps the cookie and selects by cookie mask",
			setup: []string{"cookie=0x11,priority=10,ip,actions=output:1", "cookie=0x21,priority=11,ip,actions=output:1"},
			ops:   []op{{ofp.FlowModify, "cookie=0x10/0xf0,ip,actions=output:4"}},
			want:  []string{"0:10:0x11:output:4", "0:11:0x21:output:1"},
		},
		{
			name:  "delete by cookie mask",
			setup: []string{"cookie=0x11,priority=10,ip,actions=output:1", "cookie=0x21,priority=11,ip,actions=output:1", "cookie=0x12,priority=12,arp,actions=output:1"},
			ops:   []op{{ofp.FlowDelete, "cookie=0x10/0xf0"}},
			want:  []string{"0:11:0x21:output:1"},
		},
		{
			name:  "delete with out_port",
			setup: []string{"priority=10,ip,actions=output:1", "priority=11,arp,actions=output:2", "table=1,priority=11,arp,actions=output:2"},
			ops:   []op{{ofp.FlowDelete, "out_port=2"}},
			want:  []string{"0:10:0x0:output:1"},
		},
		{
			name:  "delete in one table",
			setup: []string{"priority=10,ip,actions=output:1", "table=1,priority=11,arp,actions=output:2"},
			ops:   []op{{ofp.FlowDelete, "table=1"}},
			want:  []string{"0:10:0x0:output:1"},
		},
		{
			name:  "delete strict needs the priority",
			setup: []string{"priority=10,ip,actions=output:1", "priority=11,ip,actions=output:2", "priority=10,ip,nw_dst=10.0.0.1,actions=output:2"},
			ops:   []op{{ofp.FlowDeleteStrict, "priority=10,ip"}},
			want:  []string{"0:10:0x0:output:2", "0:11:0x0:output:2"},
		},
		{
			name:  "non-strict delete takes more specific flows",
			setup: []string{"priority=10,ip,actions=output:1", "priority=11,tcp,tp_dst=80,actions=output:2", "priority=12,arp,actions=output:2"},
			ops:   []op{{ofp.FlowDelete, "ip"}},
			want:  []string{"0:12:0x0:output:2"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, 3, FailSecure)
			r.add(c.setup...)
			for _, o := range c.ops {
				if err := r.mod(o.cmd, o.text); err != nil {
					t.Fatalf("%q: %v", o.text, err)
				}
			}
			if got := r.table(); !slices.Equal(got, c.want) {
				t.Fatalf("flows\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestFlowModErrors(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	r.add("priority=10,ip,actions=drop")
	cases := []struct {
		name string
		fm   func() *ofp.FlowMod
		typ  ofp.ErrorType
		code uint16
	}{
		{"overlap", func() *ofp.FlowMod {
			fs, _ := ofp.ParseFlow("priority=10,check_overlap,ip,nw_src=10.0.0.1,actions=drop", ofp.FlowAdd)
			return &fs.FlowMod
		}, ofp.ETFlowModFailed, ofp.FMFCOverlap},
		{"table 254", func() *ofp.FlowMod {
			fs, _ := ofp.ParseFlow("table=254,actions=drop", ofp.FlowAdd)
			return &fs.FlowMod
		}, ofp.ETFlowModFailed, ofp.FMFCBadTableID},
		{"goto table 254", func() *ofp.FlowMod {
			fs, _ := ofp.ParseFlow("actions=goto_table:254", ofp.FlowAdd)
			return &fs.FlowMod
		}, ofp.ETBadInstruction, ofp.BICBadTableID},
		{"unknown group", func() *ofp.FlowMod {
			fs, _ := ofp.ParseFlow("actions=group:7", ofp.FlowAdd)
			return &fs.FlowMod
		}, ofp.ETBadAction, ofp.BACBadOutGroup},
		{"unknown meter", func() *ofp.FlowMod {
			fs, _ := ofp.ParseFlow("actions=meter:7,output:1", ofp.FlowAdd)
			return &fs.FlowMod
		}, ofp.ETMeterModFailed, ofp.MMFCUnknownMeter},
		{"set-field xvs cannot do", func() *ofp.FlowMod {
			fs, _ := ofp.ParseFlow("arp,actions=set_field:2->arp_op,output:1", ofp.FlowAdd)
			return &fs.FlowMod
		}, ofp.ETBadAction, ofp.BACBadSetType},
		{"output to TABLE in a flow", func() *ofp.FlowMod {
			return &ofp.FlowMod{Command: ofp.FlowAdd, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
				Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: ofp.PortTable}}}}}
		}, ofp.ETBadAction, ofp.BACBadOutPort},
		{"output to a port number above OFPP_MAX", func() *ofp.FlowMod {
			return &ofp.FlowMod{Command: ofp.FlowAdd, BufferID: ofp.NoBuffer, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny,
				Instructions: []ofp.Instruction{&ofp.InstApplyActions{Actions: []ofp.Action{&ofp.ActionOutput{Port: ofp.PortMax + 1}}}}}
		}, ofp.ETBadAction, ofp.BACBadOutPort},
		{"bad command", func() *ofp.FlowMod {
			return &ofp.FlowMod{Command: 9, BufferID: ofp.NoBuffer}
		}, ofp.ETFlowModFailed, ofp.FMFCBadCommand},
		{"missing prerequisite", func() *ofp.FlowMod {
			return &ofp.FlowMod{Command: ofp.FlowAdd, BufferID: ofp.NoBuffer,
				Match: ofp.NewMatch(ofp.OXMTCPDst(80))}
		}, ofp.ETBadMatch, ofp.BMCBadPrereq},
		{"buffer id", func() *ofp.FlowMod {
			fs, _ := ofp.ParseFlow("priority=99,actions=drop", ofp.FlowAdd)
			fs.BufferID = 5
			return &fs.FlowMod
		}, ofp.ETBadRequest, ofp.BRCBufferUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantOFError(t, r.sw.FlowMod(c.fm()), c.typ, c.code)
		})
	}
	// Nothing but the buffered add (which Open vSwitch also installs) got in.
	if got := r.table(); !slices.Equal(got, []string{"0:10:0x0:drop", "0:99:0x0:drop"}) {
		t.Fatalf("flows after errors: %q", got)
	}
}

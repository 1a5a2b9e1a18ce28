package ofproto

import (
	"reflect"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func TestFlowStatsEchoMatchAndInstructions(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	fs, err := ofp.ParseFlow("table=3,cookie=0x77,idle_timeout=30,hard_timeout=60,send_flow_rem,priority=9,udp,nw_src=10.1.0.0/16,tp_dst=53,"+
		"actions=set_field:10.0.0.1->ip_dst,write_actions(output:2),write_metadata:0x1/0x1,goto_table:4", ofp.FlowAdd)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sw.FlowMod(&fs.FlowMod); err != nil {
		t.Fatal(err)
	}
	got := r.flowStats("")
	if len(got) != 1 {
		t.Fatalf("%d flows", len(got))
	}
	g := got[0]
	if !reflect.DeepEqual(g.Match, fs.Match) || !reflect.DeepEqual(g.Instructions, fs.Instructions) ||
		g.TableID != 3 || g.Cookie != 0x77 || g.IdleTimeout != 30 || g.HardTimeout != 60 || g.Priority != 9 || g.Flags != ofp.FlowSendFlowRem {
		t.Fatalf("flow stats %+v\nsent %+v", g, fs.FlowMod)
	}
}

func TestMultipartReplies(t *testing.T) {
	r := newRig(t, 2, FailSecure)
	mm, _ := ofp.ParseMeter("meter=4,pktps,bands=type=drop,rate=10", ofp.MeterAdd)
	if err := r.sw.MeterMod(mm); err != nil {
		t.Fatal(err)
	}
	r.add("udp,actions=meter:4,output:2")
	cases := []struct {
		req   ofp.MultipartBody
		check func(ofp.MultipartBody) bool
	}{
		{&ofp.DescRequest{}, func(b ofp.MultipartBody) bool { return b.(*ofp.Desc).DPDesc == "xvs bridge br0" }},
		{&ofp.PortDescRequest{}, func(b ofp.MultipartBody) bool {
			ps := b.(*ofp.PortDescReply).Ports
			return len(ps) == 2 && ps[0].Name == "p1" && ps[1].PortNo == 2
		}},
		{&ofp.TableFeaturesRequest{}, func(b ofp.MultipartBody) bool { return len(b.(*ofp.TableFeaturesReply).Tables) == 254 }},
		{&ofp.QueueStatsRequest{PortNo: ofp.PortAny, QueueID: 0xffffffff}, func(b ofp.MultipartBody) bool {
			return len(b.(*ofp.QueueStatsReply).Entries) == 0
		}},
		{&ofp.MeterConfigRequest{MeterRequest: ofp.MeterRequest{MeterID: ofp.MeterAll}}, func(b ofp.MultipartBody) bool {
			return len(b.(*ofp.MeterConfigReply).Entries) == 1
		}},
		{&ofp.MeterStatsRequest{MeterRequest: ofp.MeterRequest{MeterID: 4}}, func(b ofp.MultipartBody) bool {
			e := b.(*ofp.MeterStatsReply).Entries
			return len(e) == 1 && e[0].FlowCount == 1
		}},
		{&ofp.GroupDescRequest{}, func(b ofp.MultipartBody) bool { return len(b.(*ofp.GroupDescReply).Entries) == 0 }},
		{&ofp.GroupFeaturesRequest{}, func(b ofp.MultipartBody) bool { return b.(*ofp.GroupFeatures).Types != 0 }},
		{&ofp.MeterFeaturesRequest{}, func(b ofp.MultipartBody) bool { return b.(*ofp.MeterFeatures).MaxMeter > 0 }},
	}
	for _, c := range cases {
		rep, err := r.sw.Multipart(c.req)
		if err != nil || !c.check(rep) {
			t.Fatalf("%T: %+v %v", c.req, rep, err)
		}
	}
	_, err := r.sw.Multipart(&ofp.PortStatsRequest{PortNo: 9})
	wantOFError(t, err, ofp.ETBadRequest, ofp.BRCBadPort)
	_, err = r.sw.Multipart(&ofp.FlowStatsRequest{TableID: 254, OutPort: ofp.PortAny, OutGroup: ofp.GroupAny})
	wantOFError(t, err, ofp.ETBadRequest, ofp.BRCBadTableID)
	_, err = r.sw.Multipart(&ofp.TableFeaturesRequest{Tables: []ofp.TableFeatures{{TableID: 0}}})
	wantOFError(t, err, ofp.ETTableFeaturesFail, ofp.TFFCEperm)
	fr := r.sw.FeaturesReply()
	if fr.NTables != 254 || fr.NBuffers != 0 || fr.DatapathID == 0 || fr.Capabilities&ofp.CapFlowStats == 0 {
		t.Fatalf("features %+v", fr)
	}
	r.sw.SetDatapathID(0x1234)
	if fr := r.sw.FeaturesReply(); fr.DatapathID != 0x1234 {
		t.Fatalf("dpid %#x", fr.DatapathID)
	}
	if err := r.sw.TableMod(&ofp.TableMod{TableID: 3}); err != nil {
		t.Fatal(err)
	}
	wantOFError(t, r.sw.TableMod(&ofp.TableMod{TableID: 254}), ofp.ETTableModFailed, ofp.TMFCBadTable)
}

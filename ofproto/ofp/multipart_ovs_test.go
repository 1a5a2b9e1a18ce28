package ofp

// The real ovs-ofctl against a minimal switch that answers with this
// codec: ovs-ofctl's own encodings of multipart requests decode, and the
// replies xvs sends (split in several messages when long) are what
// ovs-ofctl reassembles and prints.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// fakeSwitch accepts OpenFlow 1.3 connections on a unix socket and
// answers multipart requests with reply(); it records the requests.
type fakeSwitch struct {
	path  string
	reply func(req *MultipartRequest) *MultipartReply
	mu    sync.Mutex
	reqs  []*MultipartRequest // mu protects reqs
	errs  []error             // mu protects errs
}

func startFakeSwitch(t *testing.T, reply func(*MultipartRequest) *MultipartReply) *fakeSwitch {
	t.Helper()
	s := &fakeSwitch{path: filepath.Join(t.TempDir(), "sw.sock"), reply: reply}
	l, err := net.Listen("unix", s.path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); s.serve(c) }()
		}
	}()
	return s
}

func (s *fakeSwitch) fail(err error) {
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
}

func (s *fakeSwitch) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	send := func(xid uint32, m Message) bool {
		b, err := Marshal(Version13, xid, m)
		if err == nil {
			_, err = c.Write(b)
		}
		if err != nil {
			s.fail(err)
		}
		return err == nil
	}
	if !send(0, NewHello(Version13)) {
		return
	}
	var r Reassembler
	var buf []byte
	for {
		b, err := ReadMessage(c, buf)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.fail(err)
			}
			return
		}
		buf = b
		h, m, done, err := r.Add(b)
		if err != nil {
			s.fail(err)
			return
		}
		if !done {
			continue
		}
		switch m := m.(type) {
		case *Hello:
		case *EchoRequest:
			send(h.Xid, &EchoReply{Data: m.Data})
		case *FeaturesRequest:
			send(h.Xid, &FeaturesReply{DatapathID: 1, NTables: 254})
		case *BarrierRequest:
			send(h.Xid, &BarrierReply{})
		case *MultipartRequest:
			s.mu.Lock()
			s.reqs = append(s.reqs, m)
			s.mu.Unlock()
			for part, err := range SplitMultipart(Version13, h.Xid, s.reply(m)) {
				if err != nil {
					s.fail(err)
					return
				}
				if _, err := c.Write(part); err != nil {
					s.fail(err)
					return
				}
			}
		default:
			s.fail(errors.New("unexpected " + Format(h, m)))
		}
	}
}

// run runs ovs-ofctl -O OpenFlow13 with args and the switch's socket.
func (s *fakeSwitch) run(t *testing.T, args ...string) string {
	t.Helper()
	bin := testenv.RequireCommand(t, "ovs-ofctl")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args = append([]string{"-O", "OpenFlow13"}, args...)
	args = append(args[:3:3], append([]string{"unix:" + s.path}, args[3:]...)...)
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ovs-ofctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errs) > 0 {
		t.Fatalf("switch: %v", s.errs)
	}
	return string(out)
}

func (s *fakeSwitch) lastRequest(t *testing.T) *MultipartRequest {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqs) == 0 {
		t.Fatal("no multipart request received")
	}
	return s.reqs[len(s.reqs)-1]
}

func TestOvsOfctlAgainstCodec(t *testing.T) {
	testenv.RequireCommand(t, "ovs-ofctl")
	flows := testFlowEntries(3000) // about 300 KB: several messages
	sw := startFakeSwitch(t, func(req *MultipartRequest) *MultipartReply {
		switch req.Body.(type) {
		case *FlowStatsRequest:
			return &MultipartReply{Body: &FlowStatsReply{Entries: flows}}
		case *AggregateRequest:
			return &MultipartReply{Body: &AggregateReply{PacketCount: 7, ByteCount: 700, FlowCount: 3}}
		case *PortDescRequest:
			ports := make([]Port, 1500)
			for i := range ports {
				ports[i] = Port{PortNo: PortNo(i + 1), Name: "p" + itoa(i+1), State: PortStateLive, CurrSpeed: 10000000}
			}
			return &MultipartReply{Body: &PortDescReply{Ports: ports}}
		case *PortStatsRequest:
			return &MultipartReply{Body: &PortStatsReply{Entries: []PortStats{{PortNo: 3, RxPackets: 11, TxPackets: 12}}}}
		case *TableStatsRequest:
			return &MultipartReply{Body: &TableStatsReply{Entries: []TableStats{{TableID: 0, ActiveCount: 3}, {TableID: 1}}}}
		case *DescRequest:
			return &MultipartReply{Body: &Desc{MfrDesc: "xvs", HWDesc: "test", SWDesc: "codec", SerialNum: "1", DPDesc: "fake"}}
		case *GroupDescRequest:
			return &MultipartReply{Body: &GroupDescReply{Entries: []GroupDesc{{Type: GroupTypeAll, GroupID: 4,
				Buckets: []Bucket{{WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{&ActionOutput{Port: 2}}}}}}}}
		case *MeterFeaturesRequest:
			return &MultipartReply{Body: &MeterFeatures{MaxMeter: 100, BandTypes: 2, Capabilities: 0xf, MaxBands: 1}}
		case *GroupStatsRequest:
			return &MultipartReply{Body: &GroupStatsReply{Entries: []GroupStats{{GroupID: 4, RefCount: 1, PacketCount: 9,
				Buckets: []BucketCounter{{PacketCount: 9, ByteCount: 900}}}}}}
		case *GroupFeaturesRequest:
			return &MultipartReply{Body: &GroupFeatures{Types: 1, MaxGroups: [4]uint32{16}, Actions: [4]uint32{1}}}
		case *MeterStatsRequest:
			return &MultipartReply{Body: &MeterStatsReply{Entries: []MeterStats{{MeterID: 5, FlowCount: 2,
				Bands: []MeterBandStats{{PacketBandCount: 1, ByteBandCount: 64}}}}}}
		case *MeterConfigRequest:
			return &MultipartReply{Body: &MeterConfigReply{Entries: []MeterConfig{{Flags: MeterFlagKbps, MeterID: 5,
				Bands: []MeterBand{&MeterBandDrop{Rate: 1000}}}}}}
		case *QueueStatsRequest:
			return &MultipartReply{Body: &QueueStatsReply{Entries: []QueueStats{{PortNo: 3, QueueID: 1, TxPackets: 5}}}}
		case *TableFeaturesRequest:
			return &MultipartReply{Body: &TableFeaturesReply{Tables: []TableFeatures{testTableFeatures(0, "classifier")}}}
		}
		return &MultipartReply{Body: &ExperimenterReply{}}
	})

	out := sw.run(t, "dump-flows", "table=1,ip,nw_dst=10.0.0.2")
	req, ok := sw.lastRequest(t).Body.(*FlowStatsRequest)
	if !ok || req.TableID != 1 || len(req.Match.Fields) != 2 {
		t.Fatalf("dump-flows sent %#v", sw.lastRequest(t).Body)
	}
	if n := strings.Count(out, "cookie="); n != len(flows) {
		t.Fatalf("ovs-ofctl printed %d of %d flows from the split reply", n, len(flows))
	}
	if !strings.Contains(out, "priority=2999,ip,in_port=24,nw_dst=10.0.11.183 actions=output:25") {
		t.Fatalf("last flow missing:\n%.500s", out[len(out)-500:])
	}

	if out := sw.run(t, "dump-ports-desc"); strings.Count(out, "addr:") != 1500 || !strings.Contains(out, " 1500(p1500):") {
		t.Fatalf("dump-ports-desc printed:\n%.300s", out)
	}
	for _, c := range []struct {
		args []string
		body string // Go type of the request
		want string
	}{
		{[]string{"dump-aggregate"}, "*ofp.AggregateRequest", "packet_count=7 byte_count=700 flow_count=3"},
		{[]string{"dump-ports", "3"}, "*ofp.PortStatsRequest", "port  3: rx pkts=11"},
		{[]string{"dump-tables"}, "*ofp.TableStatsRequest", "active=3, lookup=0, matched=0"},
		{[]string{"dump-desc"}, "*ofp.DescRequest", "Manufacturer: xvs"},
		{[]string{"dump-groups"}, "*ofp.GroupDescRequest", "group_id=4,type=all,bucket=actions=output:2"},
		{[]string{"meter-features"}, "*ofp.MeterFeaturesRequest", "max_meter:100 max_bands:1"},
		{[]string{"dump-group-stats"}, "*ofp.GroupStatsRequest", "group_id=4,duration=0s,ref_count=1,packet_count=9,byte_count=0,bucket0:packet_count=9,byte_count=900"},
		{[]string{"dump-group-features"}, "*ofp.GroupFeaturesRequest", "max_groups=0x10"},
		{[]string{"meter-stats", "meter=5"}, "*ofp.MeterStatsRequest", "meter:5 flow_count:2"},
		{[]string{"dump-meters"}, "*ofp.MeterConfigRequest", "meter=5 kbps bands=\ntype=drop rate=1000"},
		{[]string{"queue-stats", "3"}, "*ofp.QueueStatsRequest", "port 3 queue 1: bytes=0, pkts=5"},
		{[]string{"dump-table-features"}, "*ofp.TableFeaturesRequest", `table 0 ("classifier")`},
	} {
		out := sw.run(t, c.args...)
		if got := typeName(sw.lastRequest(t).Body); got != c.body {
			t.Errorf("%s sent %s, want %s", c.args[0], got, c.body)
		}
		if !strings.Contains(out, c.want) {
			t.Errorf("%s printed:\n%s\nwant %q", c.args[0], out, c.want)
		}
		// Arguments reach the request's fields.
		ok := true
		switch b := sw.lastRequest(t).Body.(type) {
		case *PortStatsRequest:
			ok = b.PortNo == 3
		case *MeterStatsRequest:
			ok = b.MeterID == 5
		case *MeterConfigRequest:
			ok = b.MeterID == MeterAll
		case *QueueStatsRequest:
			ok = b.PortNo == 3 && b.QueueID == QueueAll
		case *GroupStatsRequest:
			ok = b.GroupID == GroupAll
		}
		if !ok {
			t.Errorf("%s sent %+v", c.args[0], sw.lastRequest(t).Body)
		}
	}
	if req := sw.lastRequest(t).Body.(*TableFeaturesRequest); len(req.Tables) != 0 {
		t.Errorf("dump-table-features sent %d tables", len(req.Tables))
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

func itoa(i int) string { return strconv.Itoa(i) }

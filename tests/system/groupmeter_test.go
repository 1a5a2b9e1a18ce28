package system

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

var pingSummaryRE = regexp.MustCompile(`(\d+) received, .*time (\d+)ms`)

// TestOvsOfctlGroupsMeters: an ALL group installed by ovs-ofctl copies a
// frame to each bucket's port, and a 10 packet/s drop meter lets through
// only a fraction of a fast ping.
func TestOvsOfctlGroupsMeters(t *testing.T) {
	testenv.RequireCommand(t, "ovs-ofctl")
	e := NewEnv(t)
	br := e.AddBridge("fail_mode=secure")
	e.WaitMgmt(br)
	a := e.AddVM(br, "10.20.0.1/24")
	b := e.AddVM(br, "10.20.0.2/24")
	c := e.AddVM(br, "10.20.0.3/24")
	pa, pb, pc := a.OFPort(), b.OFPort(), c.OFPort()

	e.OvsOfctl(br, "add-group", fmt.Sprintf("group_id=1,type=all,bucket=output:%d,bucket=output:%d", pb, pc))
	e.OvsOfctl(br, "add-flow", fmt.Sprintf("priority=10,in_port=%d,dl_type=0x%04x,actions=group:1", pa, etherTest))
	sa, rb, rc := a.Listen(), b.Listen(), c.Listen()
	frame, marker := testFrame(broadcast, a.HW())
	if err := sa.Send(frame); err != nil {
		t.Fatal(err)
	}
	for _, to := range []struct {
		vm *VM
		r  *netns.Reader
	}{{b, rb}, {c, rc}} {
		if _, err := awaitMarker(to.r, marker, 5*time.Second); err != nil {
			e.Fatalf("group:1 (all) did not copy the frame to %s: %v", to.vm.Name, err)
		}
	}

	// a <-> b through a meter on the requests only.
	e.OvsOfctl(br, "add-meter", "meter=1,pktps,band=type=drop,rate=10")
	e.OvsOfctl(br, "add-flow", fmt.Sprintf("priority=10,arp,in_port=%d,actions=output:%d", pa, pb))
	e.OvsOfctl(br, "add-flow", fmt.Sprintf("priority=10,in_port=%d,actions=output:%d", pb, pa))
	e.OvsOfctl(br, "add-flow", fmt.Sprintf("priority=10,icmp,in_port=%d,actions=meter:1,output:%d", pa, pb))
	a.MustReach(b.IP, 10*time.Second)
	// 100 requests in about 1 s: a 10 packet/s meter with a burst of
	// about one second's worth passes 10 per second of the run plus the
	// burst.
	out, _ := a.Try(30*time.Second, "ping", "-c100", "-i0.01", "-W1", "-q", b.IP)
	m := pingSummaryRE.FindStringSubmatch(out)
	if m == nil {
		e.Fatalf("ping output: %s", out)
	}
	got, _ := strconv.Atoi(m[1])
	ms, _ := strconv.Atoi(m[2])
	limit := 10*(ms/1000+1) + 20
	if got == 0 || got > limit {
		e.Fatalf("meter of 10 packet/s passed %d of 100 echo requests sent in %d ms, want 1..%d:\n%s", got, ms, limit, out)
	}
	t.Logf("meter passed %d of 100 in %d ms", got, ms)
}

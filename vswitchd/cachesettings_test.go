package vswitchd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/xvs-switch/xvs/datapath/dptest"
)

type cacheShow struct{ Limit, Flows, Installs int }

// cacheLimit reads the bridge's cache limit from upcall/show.
func (td *testDaemon) cacheLimit(br string) int { return td.cacheShow(br).Limit }

// cacheShow reads the bridge's cache counters from upcall/show.
func (td *testDaemon) cacheShow(br string) cacheShow {
	td.t.Helper()
	out, err := td.api.Appctl(context.Background(), "upcall/show", nil, "json")
	if err != nil {
		td.t.Fatal(err)
	}
	var bs []struct {
		Bridge string
		Cache  cacheShow
	}
	if err := json.Unmarshal([]byte(out), &bs); err != nil {
		td.t.Fatalf("%v\n%s", err, out)
	}
	for _, b := range bs {
		if b.Bridge == br {
			return b.Cache
		}
	}
	td.t.Fatalf("upcall/show lacks %s:\n%s", br, out)
	return cacheShow{}
}

// TestCacheSettingsAtRunTime: other_config:flow-limit and max-idle, in
// Open_vSwitch or in the Bridge, reach a running bridge's Switch.
func TestCacheSettingsAtRunTime(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xacb")
	td.vsctl("add-port", "xacb", "xaca", "--", "set", "interface", "xaca", "ofport_request=1")
	td.vsctl("add-port", "xacb", "xacz", "--", "set", "interface", "xacz", "ofport_request=2")
	if got := td.cacheLimit("xacb"); got != 200000 {
		t.Fatalf("initial flow limit %d, want the default 200000", got)
	}
	td.vsctl("set", "Open_vSwitch", ".", "other_config:flow-limit=1234")
	if got := td.cacheLimit("xacb"); got != 1234 {
		t.Errorf("flow limit after Open_vSwitch other_config:flow-limit=1234: %d", got)
	}
	td.vsctl("set", "Bridge", "xacb", "other_config:flow-limit=99")
	if got := td.cacheLimit("xacb"); got != 99 {
		t.Errorf("flow limit after Bridge other_config:flow-limit=99: %d", got)
	}
	td.vsctl("remove", "Bridge", "xacb", "other_config", "flow-limit")
	td.vsctl("remove", "Open_vSwitch", ".", "other_config", "flow-limit")
	if got := td.cacheLimit("xacb"); got != 200000 {
		t.Errorf("flow limit after both keys went: %d, want the default", got)
	}

	// max-idle: with the default 10 s an entry outlives the 3 s below; with
	// 100 ms set at run time the revalidator (every 50 ms here) removes it.
	td.vsctl("set", "Open_vSwitch", ".", "other_config:max-idle=100")
	dp := td.dp("xacb")
	dpPort := map[string]uint32{}
	ports, _ := dp.Ports()
	for _, p := range ports {
		dpPort[p.Name] = p.Number
	}
	frame := dptest.Build(t, dptest.Eth(layers.EthernetTypeIPv4), dptest.IPv4(layers.IPProtocolUDP),
		&layers.UDP{SrcPort: 1000, DstPort: 2000}, dptest.Payload(20))
	if err := dp.Inject(dpPort["xaca"], frame); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := dp.Receive(ctx, dpPort["xacz"]); err != nil {
		t.Fatalf("nothing forwarded: %v", err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for c := td.cacheShow("xacb"); c.Installs == 0 || c.Flows > 0 || strings.Contains(td.appctl("dpif/dump-flows", "xacb"), "udp("); c = td.cacheShow("xacb") {
		if time.Now().After(deadline) {
			t.Fatalf("the cache entry outlived max-idle=100 ms by 3 s:\n%s", td.appctl("dpif/dump-flows", "xacb"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

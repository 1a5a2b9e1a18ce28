package vswitchd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
)

// dpAttach returns the hook the bridge's datapath has the named port at.
func (td *testDaemon) dpAttach(br, name string) (datapath.AttachMode, bool) {
	td.t.Helper()
	ps, err := td.dp(br).Ports()
	if err != nil {
		td.t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name == name {
			return p.Attach, true
		}
	}
	return 0, false
}

func TestAttachOption(t *testing.T) {
	for in, want := range map[string]datapath.AttachMode{
		"": datapath.AttachDefault, "default": datapath.AttachDefault, "xdp": datapath.AttachXDP,
		" TC ": datapath.AttachTC,
	} {
		if got, err := attachOption(in); err != nil || got != want {
			t.Errorf("attachOption(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := attachOption("skb"); err == nil || !strings.Contains(err.Error(), "xvs-attach=skb") {
		t.Errorf("attachOption(skb): %v", err)
	}
}

// Interface other_config:xvs-attach picks the hook; changing it re-attaches
// the port under the same OpenFlow number; a bad value is the interface's
// error until fixed.
func TestAttachReconfigure(t *testing.T) {
	td := startDaemon(t)
	// The in-memory datapath's default for a system port is XDP.
	td.vsctl("add-br", "xabr", "--", "add-port", "xabr", "xa1", "--", "add-port", "xabr", "xa2",
		"--", "add-port", "xabr", "xa3", "--", "set", "Interface", "xa3", "other_config:xvs-attach=tc")
	if m, _ := td.dpAttach("xabr", "xa3"); m != datapath.AttachTC {
		t.Fatalf("xa3 attached at %v, want tc", m)
	}
	if m, _ := td.dpAttach("xabr", "xa1"); m != datapath.AttachXDP {
		t.Fatalf("xa1 attached at %v, want the default (xdp here)", m)
	}
	if out := td.appctl("dpif/show"); !strings.Contains(out, "xa3 3/") || !strings.Contains(out, "(system: attach=tc)") {
		t.Errorf("dpif/show:\n%s", out)
	}
	// Free number 1: a re-added xa3 would get it if its number were not kept.
	td.vsctl("del-port", "xabr", "xa1")
	td.vsctl("set", "Interface", "xa3", "other_config:xvs-attach=xdp")
	if m, _ := td.dpAttach("xabr", "xa3"); m != datapath.AttachXDP {
		t.Fatalf("after the change xa3 is attached at %v, want xdp", m)
	}
	if got := td.vsctl("get", "Interface", "xa3", "ofport"); got != "3" {
		t.Errorf("xa3's ofport after re-attach = %s, want 3", got)
	}
	out, err := td.api.Appctl(t.Context(), "dpif/show", nil, "json")
	if err != nil {
		t.Fatal(err)
	}
	var dps []jsonDP
	if err := json.Unmarshal([]byte(out), &dps); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range dps[0].Ports {
		if p.Name == "xa3" {
			found = true
			if p.OFPort != 3 || p.Attach != "xdp" {
				t.Errorf("dpif/show json xa3 = %+v, want ofport 3 attach xdp", p)
			}
		}
	}
	if !found {
		t.Errorf("dpif/show json lacks xa3: %s", out)
	}

	// A bad value: the interface reports it and has no port.
	td.vsctl("set", "Interface", "xa2", "other_config:xvs-attach=bogus")
	eventually(t, "xa2's error", func() bool {
		return strings.Contains(td.vsctl("get", "Interface", "xa2", "error"), "xvs-attach=bogus")
	})
	// The port stays as it was: only a setting that parses moves it.
	if _, ok := td.dpAttach("xabr", "xa2"); !ok {
		t.Error("xa2 lost its datapath port over a bad setting")
	}
	td.vsctl("remove", "Interface", "xa2", "other_config", "xvs-attach")
	eventually(t, "xa2 without error", func() bool {
		return td.vsctl("get", "Interface", "xa2", "error") == "[]"
	})
	if m, ok := td.dpAttach("xabr", "xa2"); !ok || m != datapath.AttachXDP {
		t.Errorf("xa2 after the fix: %v %v", m, ok)
	}
}

// A datapath found pinned keeps a port whose hook matches, or when
// xvs-attach says nothing, and loses one attached at another hook.
func TestWantedDatapathPortsAttach(t *testing.T) {
	bc := &bridgeConfig{Ports: []*portConfig{
		{Name: "a", Ifaces: []*ifaceConfig{{Name: "a"}}},
		{Name: "b", Ifaces: []*ifaceConfig{{Name: "b", Attach: "tc"}}},
		{Name: "c", Ifaces: []*ifaceConfig{{Name: "c", Type: "vxlan"}}},
	}}
	w := wantedDatapathPorts(bc)
	if m, ok := w["a"]; !ok || m != datapath.AttachDefault {
		t.Errorf("a: %v %v", m, ok)
	}
	if w["b"] != datapath.AttachTC {
		t.Errorf("b: %v", w["b"])
	}
	if _, ok := w["c"]; ok {
		t.Error("an unsupported type is wanted")
	}
}

package ofproto

import (
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func TestDesc(t *testing.T) {
	old := Version
	defer func() { Version = old }()
	Version = "1.2.3"
	d := Desc("br0")
	want := ofp.Desc{MfrDesc: "xvs project", HWDesc: "xvs eBPF datapath", SWDesc: "1.2.3", SerialNum: "None", DPDesc: "xvs bridge br0"}
	if *d != want {
		t.Fatalf("got %+v\nwant %+v", *d, want)
	}
	// It encodes as a 1.3 reply and converts to a 1.0 one that encodes.
	if _, err := ofp.Marshal(ofp.Version13, 1, &ofp.MultipartReply{Body: d}); err != nil {
		t.Fatal(err)
	}
	r10, err := ofp.StatsReplyTo10(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ofp.Marshal(ofp.Version10, 1, r10); err != nil {
		t.Fatal(err)
	}

	// A bridge name too long for dp_desc is cut, not refused.
	long := Desc(strings.Repeat("b", 400))
	if len(long.DPDesc) != 255 {
		t.Errorf("dp_desc of %d bytes", len(long.DPDesc))
	}
	if _, err := ofp.Marshal(ofp.Version13, 1, &ofp.MultipartReply{Body: long}); err != nil {
		t.Fatal(err)
	}

	// Without a set version, the build info or "devel".
	Version = ""
	if v := SoftwareVersion(); v == "" {
		t.Error("empty software version")
	}
}

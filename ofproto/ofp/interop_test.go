package ofp

// Interop with the real `ovs-ofctl ofp-print` (Debian's openvswitch-common):
// bytes xvs encodes must decode there without error and print the same
// text as xvs's Format. Skips (or fails under XVS_STRICT=1) without ovs-ofctl.

import (
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/internal/testenv"
)

// ovsOfpPrint returns what `ovs-ofctl ofp-print HEX` prints for wire, and
// fails the test when ovs-ofctl reports a decode error.
func ovsOfpPrint(t *testing.T, wire []byte) string {
	t.Helper()
	bin := testenv.RequireCommand(t, "ovs-ofctl")
	// Compare stdout only: ovs-ofctl logs warnings (deprecated actions,
	// rejected fields) to stderr, which goes into failure messages.
	var stderr strings.Builder
	cmd := exec.Command(bin, "ofp-print", hex.EncodeToString(wire))
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	s := strings.TrimRight(string(out), "\n")
	if err != nil {
		t.Fatalf("ovs-ofctl ofp-print %x: %v\n%s%s", wire, err, stderr.String(), s)
	}
	if strings.Contains(s, "decode error") {
		t.Fatalf("ovs-ofctl cannot decode %x:\n%s%s", wire, stderr.String(), s)
	}
	return s
}

// checkInterop encodes m in version v, has ovs-ofctl print it, decodes the
// same bytes with xvs, and compares the two texts.
func checkInterop(t *testing.T, v uint8, m Message) {
	t.Helper()
	wire, err := Marshal(v, 0x1234, m)
	if err != nil {
		t.Fatalf("marshal %T: %v", m, err)
	}
	want := ovsOfpPrint(t, wire)
	h, dm, err := Unmarshal(wire)
	if err != nil {
		t.Fatalf("xvs decode of own %T: %v", m, err)
	}
	if got := Format(h, dm); got != want {
		t.Errorf("%T in %s:\n xvs: %q\n ovs: %q", m, VersionString(v), got, want)
	}
}

func TestInteropCommon(t *testing.T) {
	for _, v := range []uint8{Version10, Version13} {
		for _, m := range []Message{
			&EchoRequest{}, &EchoReply{Data: []byte("xvs echo payload")},
			&BarrierRequest{}, &BarrierReply{}, &FeaturesRequest{}, &GetConfigRequest{},
			&SetConfig{SwitchConfig{Flags: ConfigFragDrop, MissSendLen: 128}},
			&GetConfigReply{SwitchConfig{MissSendLen: 0xffff}},
			NewHello(Version10, Version13),
			&Error{Type: ETBadRequest, Code: BRCBadType, Data: mustMarshal(v, 9, &BarrierRequest{})},
			&Error{Type: ETBadRequest, Code: BRCBadLen, Data: mustMarshal(v, 9, &EchoRequest{Data: []byte("0123456789")})[:12]},
		} {
			checkInterop(t, v, m)
		}
	}
}

// testenvOVS skips (or fails under XVS_STRICT=1) without ovs-ofctl.
func testenvOVS(t *testing.T) string {
	t.Helper()
	return testenv.RequireCommand(t, "ovs-ofctl")
}

// ovsOfpPrintRaw returns everything `ovs-ofctl ofp-print` writes for
// wire, decode errors included.
func ovsOfpPrintRaw(t *testing.T, wire []byte) string {
	t.Helper()
	out, _ := exec.Command(testenvOVS(t), "ofp-print", hex.EncodeToString(wire)).CombinedOutput()
	return string(out)
}

// A select bucket of weight 1 prints without its weight, as in ovs-ofctl.
func TestInteropSelectBucketWeights(t *testing.T) {
	for _, w := range []uint16{0, 1, 2} {
		checkInterop(t, Version13, &GroupMod{Command: GroupAdd, Type: GroupTypeSelect, GroupID: 1,
			Buckets: []Bucket{{Weight: w, WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{&ActionOutput{Port: 2, MaxLen: 0xffe5}}}}})
	}
}

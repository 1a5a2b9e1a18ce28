package ofproto

import (
	"bytes"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

func TestTableFeatures(t *testing.T) {
	tf := TableFeatures(NTables)
	if len(tf) != 254 {
		t.Fatalf("%d tables, want 254", len(tf))
	}
	for i, f := range tf {
		if int(f.TableID) != i || f.MaxEntries != TableMaxEntries || f.MetadataMatch != ^uint64(0) || f.MetadataWrite != ^uint64(0) {
			t.Fatalf("table %d: %+v", i, f)
		}
		props := map[ofp.TableFeaturePropType]ofp.TableFeatureProp{}
		for _, p := range f.Properties {
			props[p.Type] = p
		}
		if len(props) != 14 {
			t.Fatalf("table %d has %d property types, want 14", i, len(props))
		}
		if n := len(props[ofp.TFPNextTables].NextTables); n != 253-i {
			t.Errorf("table %d: %d next tables, want %d", i, n, 253-i)
		}
		if n := len(props[ofp.TFPMatch].OXMs); n != 40 {
			t.Errorf("table %d: %d match fields, want 40", i, n)
		}
		if n := len(props[ofp.TFPWildcards].OXMs); n != 40 {
			t.Errorf("table %d: %d wildcard fields, want 40", i, n)
		}
		goTo := false
		for _, in := range props[ofp.TFPInstructions].Instructions {
			goTo = goTo || in.Type == uint16(ofp.ITGotoTable)
		}
		if goTo != (i < 253) {
			t.Errorf("table %d: goto_table listed %v", i, goTo)
		}
	}
	if len(TableFeatures(0)) != 0 || len(TableFeatures(1000)) != 254 || len(TableFeatures(-1)) != 0 {
		t.Error("table count not clamped to 0..254")
	}
}

// TestTableFeaturesWire: the reply splits into messages that decode back
// to the same features, and that ovs-ofctl reads without complaint.
func TestTableFeaturesWire(t *testing.T) {
	reply := &ofp.MultipartReply{Body: TableFeaturesReply(NTables)}
	var got []ofp.TableFeatures
	var parts [][]byte
	for wire, err := range ofp.SplitMultipart(ofp.Version13, 7, reply) {
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, wire)
		_, m, err := ofp.Unmarshal(wire)
		if err != nil {
			t.Fatalf("decode part: %v", err)
		}
		got = append(got, m.(*ofp.MultipartReply).Body.(*ofp.TableFeaturesReply).Tables...)
	}
	if !reflect.DeepEqual(got, TableFeatures(NTables)) {
		t.Fatal("features changed on the wire")
	}
	bin := testenv.RequireCommand(t, "ovs-ofctl")
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "ofp-print", fmt.Sprintf("%x", parts[0]))
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || strings.Contains(string(out), "decode error") {
		t.Fatalf("ovs-ofctl ofp-print: %v\n%s%s", err, stderr.String(), out)
	}
	for _, want := range []string{`table 0 ("table0")`, "max_entries=1000000", "metadata: match=0xffffffffffffffff write=0xffffffffffffffff",
		"goto_table", "apply_actions", "set_field", "ip_{src,dst}", "next tables: 1-253"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ovs-ofctl text lacks %q:\n%.1500s", want, out)
		}
	}
}

package engine

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/notation"
	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// marshalRow is encodeRow's reference: the row's ValueToJSON form through
// json.Marshal, as the storage format was first defined.
func marshalRow(t *schema.Table, r *Row) ([]byte, error) {
	out := map[string]any{"_version": notation.AtomToJSON(r.Version)}
	for name, c := range t.Columns {
		if !c.Ephemeral {
			out[name] = notation.ValueToJSON(r.Cols[name])
		}
	}
	return json.Marshal(out)
}

// TestEncodeRowMatchesMarshal: encodeRow writes byte for byte what
// json.Marshal writes, for every kind of atom and awkward strings, so
// files written before and after it read back alike (decodeRow is
// unchanged).
func TestEncodeRowMatchesMarshal(t *testing.T) {
	sch := schema.OpenVSwitch()
	awkward := []string{"", "plain", `q"uote`, `back\slash`, "<a", "b>", "a&b", "tab\there", "nl\n", "\x00\x1f",
		"é ü 中", "bad\xffutf8", "\u2028\u2029", "\x7f"}
	for _, tn := range []string{"Bridge", "Port", "Interface", "Open_vSwitch", "Queue", "QoS"} {
		tb := sch.Tables[tn]
		for k, s := range awkward {
			r := &Row{UUID: notation.NewUUID(), Version: notation.NewUUID(), Cols: map[string]any{}}
			for name, c := range tb.Columns {
				v := c.Type.Default()
				switch c.Type.Key.Type {
				case schema.String:
					if c.Type.IsMap() {
						v = notation.Map{{Key: s, Value: s + "v"}, {Key: "z" + s, Value: "w"}}
					} else if c.Type.Key.Enum == nil {
						v = notation.Set{s}
					}
				case schema.Integer:
					v = notation.Set{int64(-k * 1000003)}
				case schema.Real:
					v = notation.Set{[]float64{1, 0.5, -3e100, 1e21, math.SmallestNonzeroFloat64}[k%5]}
				case schema.Boolean:
					v = notation.Set{k%2 == 0}
				case schema.UUID:
					if c.Type.IsMap() {
						break
					}
					v = notation.Set{notation.NewUUID(), notation.NewUUID()}
				}
				r.Cols[name] = v
			}
			want, err := marshalRow(tb, r)
			if err != nil {
				t.Fatal(err)
			}
			got, err := encodeRow(tb, r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s with %q:\n got %s\nwant %s", tn, s, got, want)
			}
		}
	}
}

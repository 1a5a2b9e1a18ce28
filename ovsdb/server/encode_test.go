package server

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// TestEncodeResults checks that the element-by-element encoding of a
// transact response is byte for byte what json.Marshal of the whole
// response gives.
func TestEncodeResults(t *testing.T) {
	n := 2
	u := notation.UUID("6f8d2e1c-7d2b-4c71-9a55-0d0a4f1b2c3d")
	list := []any{
		notation.OperationResult{Rows: []map[string]any{{"name": "a<b>&c", "n": 1, "s": []any{"set", []any{}}}}},
		notation.OperationResult{Count: &n},
		notation.OperationResult{UUID: &u},
		notation.OperationResult{Error: "constraint violation", Details: `"quoted" <tag>`},
		nil,
		map[string]any{"x": "y"},
	}
	for _, id := range []json.RawMessage{json.RawMessage(`7`), json.RawMessage(`[ "a", 1 ]`), nil} {
		got, err := encodeResults(id, list)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(response{ID: id, Result: list})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("id %s:\n got %s\nwant %s", id, got, want)
		}
	}
}

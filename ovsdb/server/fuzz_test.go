package server

import (
	"bytes"
	"testing"
)

// FuzzDecodeMessage feeds arbitrary bytes through the stream splitter and
// the JSON-RPC decoder: nothing may panic, every message the splitter cuts
// is within the limit, and a decoded request always has array params.
func FuzzDecodeMessage(f *testing.F) {
	for _, s := range []string{
		`{"id":1,"method":"transact","params":["S",{"op":"select","table":"Box","where":[]}]}`,
		`{"id":null,"method":"cancel","params":[1]} {"id":2,"result":{},"error":null}`,
		`[1,2] {"a":"\"}"}`,
		`{"id":1,"method":"echo","params":{}}`,
		`{"id":1,"method":`,
		`xyz`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sp := newSplitter(bytes.NewReader(data), 1<<10)
		for range 100 {
			msg, err := sp.next()
			if err != nil {
				return
			}
			if len(msg) > 1<<10 {
				t.Fatalf("message of %d bytes passed a 1 KiB limit", len(msg))
			}
			m, err := decodeMessage(msg)
			if err != nil {
				continue
			}
			if m.Method != "" {
				if _, err := params(m.Params); err != nil {
					t.Fatalf("decoded request with bad params %s: %v", m.Params, err)
				}
			}
		}
	})
}

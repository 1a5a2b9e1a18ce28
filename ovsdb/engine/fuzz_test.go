package engine

import (
	"encoding/json"
	"testing"
)

// FuzzTransact runs arbitrary transactions against the test schema: no
// input may panic, a transaction that reports an error must leave the
// database unchanged, and every decodable operation must survive an
// encode/decode round trip.
func FuzzTransact(f *testing.F) {
	for _, s := range []string{
		`[{"op":"insert","table":"Root","row":{"name":"a","n":3,"tags":["set",["x"]],"m":["map",[["k","v"]]]}}]`,
		`[{"op":"insert","table":"Root","row":{"name":"a","children":["named-uuid","c"]}},{"op":"insert","table":"Child","uuid-name":"c","row":{}}]`,
		`[{"op":"update","table":"Root","where":[["n","<",5]],"row":{"r":1.5}}]`,
		`[{"op":"mutate","table":"Root","where":[],"mutations":[["n","+=",1],["m","delete",["set",["k"]]]]}]`,
		`[{"op":"delete","table":"Child","where":[["_uuid","==",["uuid","11111111-2222-4333-8444-555555555555"]]]}]`,
		`[{"op":"wait","timeout":0,"table":"Root","where":[],"columns":["n"],"until":"!=","rows":[]}]`,
		`[{"op":"select","table":"Root","where":[["tags","includes",["set",["x"]]]],"columns":["_uuid"]}]`,
		`[{"op":"assert","lock":"x"},{"op":"commit","durable":true},{"op":"abort"}]`,
		`[5, null, {"op":7}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ops []json.RawMessage
		if json.Unmarshal(data, &ops) != nil || len(ops) > 20 {
			return
		}
		db, _ := openTest(t)
		db.SetNoSync(true)
		for _, raw := range ops {
			op, err := DecodeOperation(raw)
			if err != nil {
				continue
			}
			b, jerr := json.Marshal(op)
			if jerr != nil {
				continue // e.g. a value JSON cannot carry; not a decoder bug
			}
			op2, err := DecodeOperation(b)
			if err != nil {
				t.Fatalf("re-decoding %s: %v", b, err)
			}
			b2, _ := json.Marshal(op2)
			if string(b) != string(b2) {
				t.Fatalf("round trip changed the operation:\n%s\n%s", b, b2)
			}
		}
		before := dump(t, db)
		res, err := db.Transact(ops, Options{WaitExpired: true})
		if err != nil {
			t.Fatalf("Transact: %v", err)
		}
		failed := false
		for _, r := range res {
			if or, isResult := r.(interface{ MarshalJSON() ([]byte, error) }); isResult {
				b, _ := or.MarshalJSON()
				var m map[string]any
				json.Unmarshal(b, &m)
				failed = failed || m["error"] != nil
			}
		}
		if failed && dump(t, db) != before {
			t.Fatal("failed transaction changed the database")
		}
	})
}

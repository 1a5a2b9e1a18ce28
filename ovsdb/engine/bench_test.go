package engine

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/xvs-switch/xvs/ovsdb/schema"
)

// BenchmarkAddPort measures an ovs-vsctl add-port style transaction on a
// bridge that already has many ports (commit checks references).
func BenchmarkAddPort(b *testing.B) {
	for _, n := range []int{100, 2000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			db, err := Open(filepath.Join(b.TempDir(), "xdb-bench.db"), schema.OpenVSwitch(), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.SetNoSync(true)
			tx := func(s string) {
				var ops []json.RawMessage
				json.Unmarshal([]byte(s), &ops)
				res, err := db.Transact(ops, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if r, _ := json.Marshal(res); len(res) != len(ops) {
					b.Fatalf("%s", r)
				}
			}
			tx(`[{"op":"insert","table":"Open_vSwitch","row":{"bridges":["named-uuid","br"]}},{"op":"insert","table":"Bridge","uuid-name":"br","row":{"name":"br0"}}]`)
			add := func(i int) {
				name := "p" + strconv.Itoa(i)
				tx(`[{"op":"insert","table":"Interface","uuid-name":"i","row":{"name":"` + name + `"}},
				{"op":"insert","table":"Port","uuid-name":"p","row":{"name":"` + name + `","interfaces":["named-uuid","i"]}},
				{"op":"mutate","table":"Bridge","where":[["name","==","br0"]],"mutations":[["ports","insert",["named-uuid","p"]]]}]`)
			}
			for i := range n {
				add(i)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				add(n + i)
			}
		})
	}
}

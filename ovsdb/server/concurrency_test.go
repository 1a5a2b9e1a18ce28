package server

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentClients runs transactions from several sessions at once
// while a monitor_cond client follows: the monitor's replica, built only
// from its initial rows and update2 notifications, must end equal to what
// a select returns.
func TestConcurrentClients(t *testing.T) {
	ts := startServer(t, testSchema, Config{})
	ts.db.SetNoSync(true)
	mon := dial(t, ts)
	mon.result("monitor_cond", `["S","m",{"Box":[{"columns":["name","n"]}]}]`)
	replica := map[string]map[string]any{}

	const clients, each = 6, 30
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := dial(t, ts)
			for i := range each {
				name := fmt.Sprintf("c%d-%d", c, i)
				m := r.call("transact", `["S",{"op":"insert","table":"Box","row":{"name":"`+name+`","n":`+itoa(i)+`}}]`)
				if m["error"] != nil {
					errs <- fmt.Errorf("%s: %v", name, m["error"])
					return
				}
				if i%3 == 0 {
					r.call("transact", `["S",{"op":"mutate","table":"Box","where":[["name","==","`+name+`"]],"mutations":[["n","+=",100]]}]`)
				}
				if i%5 == 0 {
					r.call("transact", `["S",{"op":"delete","table":"Box","where":[["name","==","`+name+`"]]}]`)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// A marker transaction: once its insert is seen, every earlier commit
	// has been seen too (notifications are in commit order).
	w := dial(t, ts)
	txnOK(t, w.result("transact", `["S",{"op":"insert","table":"Box","row":{"name":"zz-end"}}]`))
	for {
		u := mon.notification("update2")
		for id, ch := range u[1].(map[string]any)["Box"].(map[string]any) {
			for kind, row := range ch.(map[string]any) {
				switch kind {
				case "insert", "initial":
					replica[id] = row.(map[string]any)
				case "modify":
					for k, v := range row.(map[string]any) {
						replica[id][k] = v
					}
				case "delete":
					delete(replica, id)
				}
			}
		}
		if func() bool {
			for _, r := range replica {
				if r["name"] == "zz-end" {
					return true
				}
			}
			return false
		}() {
			break
		}
	}
	res := txnOK(t, w.result("transact", `["S",{"op":"select","table":"Box","where":[],"columns":["_uuid","name","n"]}]`))
	rows := res[0].(map[string]any)["rows"].([]any)
	if len(rows) != len(replica) {
		t.Fatalf("monitor replica has %d rows, database %d", len(replica), len(rows))
	}
	for _, r := range rows {
		row := r.(map[string]any)
		id := row["_uuid"].([]any)[1].(string)
		got := replica[id]
		if got == nil || js(got["n"]) != js(row["n"]) || got["name"] != row["name"] {
			t.Fatalf("row %s: replica %v, database %v", id, got, row)
		}
	}
	if want := clients*(each-each/5) + 1; len(rows) != want {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
}

package vswitchd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// cmdUpcallShow prints, per bridge, the upcall handlers, the revalidator's
// last pass and the Switch's cache figures (ovs-appctl upcall/show).
func (d *daemon) cmdUpcallShow(_ context.Context, _ []string, asJSON bool) (string, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	type jb struct {
		Bridge      string         `json:"bridge"`
		Handlers    int            `json:"handlers"`
		Revalidator map[string]any `json:"revalidator"`
		Cache       map[string]any `json:"cache"`
		Datapath    map[string]any `json:"datapath"`
	}
	var out []jb
	for _, b := range d.sortedBridges() {
		b.revalMu.Lock()
		rv := map[string]any{
			"passes":        b.revalRuns,
			"interval_ms":   d.cfg.RevalidateEvery.Milliseconds(),
			"last_flows":    b.revalLast.Flows,
			"last_deleted":  b.revalLast.Deleted,
			"last_modified": b.revalLast.Modified,
			"last_credited": b.revalLast.Credited,
		}
		if !b.revalAt.IsZero() {
			rv["last_pass_ago_ms"] = time.Since(b.revalAt).Milliseconds()
		}
		if b.revalErr != nil {
			rv["last_error"] = b.revalErr.Error()
		}
		b.revalMu.Unlock()
		j := jb{Bridge: b.name, Handlers: b.handlers, Revalidator: rv, Cache: asMap(b.sw.CacheStats())}
		if st, err := b.dp.Stats(); err == nil {
			j.Datapath = map[string]any{"name": b.dp.Name(), "hit": st.Hit, "missed": st.Missed,
				"lost": st.Lost, "flows": st.Flows, "max_flows": st.MaxFlows}
		}
		out = append(out, j)
	}
	if asJSON {
		if out == nil {
			out = []jb{}
		}
		return toJSON(out)
	}
	var s strings.Builder
	for _, j := range out {
		fmt.Fprintf(&s, "%s:\n", j.Bridge)
		fmt.Fprintf(&s, "  handlers: %d\n", j.Handlers)
		s.WriteString("  revalidator:\n")
		writeMap(&s, j.Revalidator)
		s.WriteString("  cache:\n")
		writeMap(&s, j.Cache)
		if j.Datapath != nil {
			s.WriteString("  datapath:\n")
			writeMap(&s, j.Datapath)
		}
	}
	return s.String(), nil
}

// asMap turns a stats struct into name -> value through its JSON form,
// so the listing follows the struct as ofproto extends it.
func asMap(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	m := map[string]any{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // counters print as integers, not 1e+06
	dec.Decode(&m)
	return m
}

func writeMap(s *strings.Builder, m map[string]any) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(s, "    %s: %v\n", k, m[k])
	}
}

// cmdRevalidatorWait returns once every bridge's revalidator has run a
// whole pass that started after the command arrived (ovs-appctl
// revalidator/wait): stats credited, idle entries gone.
func (d *daemon) cmdRevalidatorWait(ctx context.Context, _ []string, _ bool) (string, error) {
	t0 := time.Now()
	d.mu.RLock()
	bs := d.sortedBridges()
	d.mu.RUnlock()
	for _, b := range bs {
		if err := b.waitPass(ctx, t0); err != nil {
			return "", err
		}
	}
	return "", nil
}

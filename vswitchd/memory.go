package vswitchd

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
)

// defaultGCPercent is vswitchd's GOGC when neither the environment nor
// --gc-percent sets one. The Go default (100) lets the heap grow to twice
// the live data between collections: with 100,000 OpenFlow flows (~45 MB
// live) that is ~90 MB of heap for ~45 MB of data. 50 measured (tests/bench
// TestControlPlane, docs/benchmarks.md "memory after round 2") trades a
// little more collection work while flows are loaded for a resident size
// at or below ovs-vswitchd's.
const defaultGCPercent = 50

// setGC applies the garbage collector target: gcPercent < 0 means the
// default, unless GOGC is set in the environment (the runtime then has
// already applied it). memLimit (bytes, 0: none) is a soft limit
// (debug.SetMemoryLimit) unless GOMEMLIMIT is set.
func setGC(gcPercent int, memLimit int64) {
	if gcPercent >= 0 || os.Getenv("GOGC") == "" {
		if gcPercent < 0 {
			gcPercent = defaultGCPercent
		}
		debug.SetGCPercent(gcPercent)
	}
	if memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memLimit)
	}
}

// cmdMemoryShow prints, like ovs-appctl memory/show, what the daemon holds:
// the OpenFlow flows and cache entries of every bridge, and the Go heap
// (runtime.MemStats). With an argument it also writes a heap profile
// (runtime/pprof, `go tool pprof` reads it) to that file.
func (d *daemon) cmdMemoryShow(_ context.Context, args []string, asJSON bool) (string, error) {
	if len(args) == 1 {
		f, err := os.Create(args[0])
		if err != nil {
			return "", err
		}
		runtime.GC() // the profile's in-use figures are as of the last collection
		err = pprof.Lookup("heap").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", fmt.Errorf("heap profile: %w", err)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	type bridgeMem struct {
		Name       string `json:"name"`
		Flows      int    `json:"flows"`
		CacheFlows int    `json:"cache_flows"`
	}
	var bridges []bridgeMem
	d.mu.RLock()
	for _, b := range d.sortedBridges() {
		if b.sw == nil {
			continue
		}
		bridges = append(bridges, bridgeMem{Name: b.name, Flows: b.sw.FlowCount(), CacheFlows: b.sw.CacheStats().Flows})
	}
	d.mu.RUnlock()
	gc := debug.SetGCPercent(-1)
	debug.SetGCPercent(gc)
	if asJSON {
		return toJSON(map[string]any{
			"bridges": bridges, "heap_alloc": ms.HeapAlloc, "heap_inuse": ms.HeapInuse, "heap_idle": ms.HeapIdle,
			"heap_released": ms.HeapReleased, "heap_objects": ms.HeapObjects, "sys": ms.Sys, "num_gc": ms.NumGC,
			"gc_percent": gc, "memory_limit": debug.SetMemoryLimit(-1),
		})
	}
	var sb strings.Builder
	for _, b := range bridges {
		fmt.Fprintf(&sb, "%s: rules:%d cache flows:%d\n", b.Name, b.Flows, b.CacheFlows)
	}
	mib := func(v uint64) string { return fmt.Sprintf("%.1f MiB", float64(v)/(1<<20)) }
	fmt.Fprintf(&sb, "heap: live %s in %d objects, in use %s, idle %s (%s returned to the OS)\n",
		mib(ms.HeapAlloc), ms.HeapObjects, mib(ms.HeapInuse), mib(ms.HeapIdle), mib(ms.HeapReleased))
	fmt.Fprintf(&sb, "runtime: %s from the OS, %d collections, GOGC %d", mib(ms.Sys), ms.NumGC, gc)
	if l := debug.SetMemoryLimit(-1); l != 1<<63-1 {
		fmt.Fprintf(&sb, ", memory limit %s", mib(uint64(l)))
	}
	sb.WriteString("\n")
	if len(args) == 1 {
		fmt.Fprintf(&sb, "heap profile written to %s\n", args[0])
	}
	return sb.String(), nil
}

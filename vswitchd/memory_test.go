package vswitchd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestMemoryShow(t *testing.T) {
	td := startDaemon(t)
	td.vsctl("add-br", "xvbr30")
	prof := filepath.Join(t.TempDir(), "heap.prof")
	out := td.appctl("memory/show", prof)
	// A standalone bridge without controllers has its NORMAL flow.
	for _, want := range []string{"xvbr30: rules:1 cache flows:0", "heap: live ", "GOGC ", "heap profile written to " + prof} {
		if !strings.Contains(out, want) {
			t.Errorf("memory/show lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(prof)
	if err != nil || !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) { // pprof's gzipped protobuf
		t.Errorf("heap profile: %v, %d bytes", err, len(b))
	}
	js, err := td.api.Appctl(context.Background(), "memory/show", nil, "json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Bridges []struct {
			Name  string `json:"name"`
			Flows int    `json:"flows"`
		} `json:"bridges"`
		HeapAlloc uint64 `json:"heap_alloc"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil || len(got.Bridges) != 1 || got.Bridges[0].Flows != 1 || got.HeapAlloc == 0 {
		t.Errorf("memory/show json: %v\n%s", err, js)
	}
	if _, err := td.api.Appctl(context.Background(), "memory/show", []string{"/nonexistent/dir/heap.prof"}, ""); err == nil {
		t.Error("memory/show into a missing directory succeeded")
	}
}

func TestSetGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	t.Setenv("GOGC", "")
	setGC(-1, 0)
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Errorf("default GC percent %d, want %d", got, defaultGCPercent)
	}
	t.Setenv("GOGC", "300")
	setGC(-1, 0) // the environment's GOGC stands
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set, setGC changed the GC percent to %d", got)
	}
	setGC(70, 0) // the flag wins
	if got := debug.SetGCPercent(100); got != 70 {
		t.Errorf("--gc-percent 70 gave %d", got)
	}
}

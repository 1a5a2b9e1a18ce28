package vlog

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestModuleLevels(t *testing.T) {
	var buf bytes.Buffer
	s := New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), slog.LevelInfo)
	a, b := s.Logger("bridge"), s.Logger("upcall")
	a.Debug("hidden")
	if buf.Len() != 0 {
		t.Fatalf("debug logged at info level: %s", buf.String())
	}
	if err := s.Apply("bridge:dbg"); err != nil {
		t.Fatal(err)
	}
	a.Debug("shown")
	b.Debug("still hidden")
	if out := buf.String(); !strings.Contains(out, "shown") || !strings.Contains(out, "module=bridge") || strings.Contains(out, "still hidden") {
		t.Fatalf("after bridge:dbg: %s", out)
	}
	if err := s.Apply("ANY:console:off"); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	a.Error("nothing")
	if buf.Len() != 0 {
		t.Fatalf("off still logs: %s", buf.String())
	}
	mods := s.Modules()
	if len(mods) != 2 || mods[0] != (Module{"bridge", "off"}) || mods[1] != (Module{"upcall", "off"}) {
		t.Fatalf("modules %+v", mods)
	}
	for _, bad := range []string{"bridge:loud", "nosuch:dbg", "a:b:c:d", "bridge:tty:dbg"} {
		if err := s.Apply(bad); err == nil {
			t.Errorf("Apply(%q) accepted", bad)
		}
	}
}

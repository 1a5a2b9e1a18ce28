package vlog

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
)

// LevelOff is above every level a record can have: the module logs nothing.
const LevelOff = slog.Level(100)

// Levels maps the names vlog/set takes (Open vSwitch's, and slog's) to
// slog levels.
var names = map[string]slog.Level{
	"off": LevelOff, "emer": slog.LevelError, "err": slog.LevelError, "error": slog.LevelError,
	"warn": slog.LevelWarn, "info": slog.LevelInfo, "dbg": slog.LevelDebug, "debug": slog.LevelDebug,
}

// ParseLevel parses a level name (off, emer, err, warn, info, dbg, or slog's
// error/debug).
func ParseLevel(s string) (slog.Level, error) {
	if l, ok := names[strings.ToLower(s)]; ok {
		return l, nil
	}
	return 0, fmt.Errorf("unknown log level %q (want off, emer, err, warn, info or dbg)", s)
}

// LevelName prints a level as vlog/list does.
func LevelName(l slog.Level) string {
	switch {
	case l >= LevelOff:
		return "off"
	case l >= slog.LevelError:
		return "err"
	case l >= slog.LevelWarn:
		return "warn"
	case l >= slog.LevelInfo:
		return "info"
	}
	return "dbg"
}

// Set holds the level of every module.
type Set struct {
	base slog.Handler
	def  slog.Level
	// mu protects levels.
	mu     sync.Mutex
	levels map[string]*slog.LevelVar
}

// New returns a set whose modules log to base at level def until changed.
// base must accept every level (its own level is the floor).
func New(base slog.Handler, def slog.Level) *Set {
	return &Set{base: base, def: def, levels: map[string]*slog.LevelVar{}}
}

func (s *Set) level(module string) *slog.LevelVar {
	s.mu.Lock()
	defer s.mu.Unlock()
	lv, ok := s.levels[module]
	if !ok {
		lv = new(slog.LevelVar)
		lv.Set(s.def)
		s.levels[module] = lv
	}
	return lv
}

// Logger returns the logger of a module, creating the module.
func (s *Set) Logger(module string) *slog.Logger {
	return slog.New(&handler{h: s.base.WithAttrs([]slog.Attr{slog.String("module", module)}), lv: s.level(module)})
}

// Modules lists the modules with their levels, sorted by name.
func (s *Set) Modules() []Module {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Module, 0, len(s.levels))
	for n, lv := range s.levels {
		out = append(out, Module{Name: n, Level: LevelName(lv.Level())})
	}
	slices.SortFunc(out, func(a, b Module) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Module is one line of vlog/list.
type Module struct {
	Name  string `json:"module"`
	Level string `json:"level"`
}

// Apply runs one vlog/set argument: "LEVEL" (every module),
// "MODULE:LEVEL", "MODULE:DEST:LEVEL" or "ANY:DEST:LEVEL"; DEST (console,
// syslog, file, any) is accepted for ovs-appctl compatibility: there is one
// destination, stderr.
func (s *Set) Apply(spec string) error {
	parts := strings.Split(spec, ":")
	var module, dest, level string
	switch len(parts) {
	case 1:
		level = parts[0]
	case 2:
		module, level = parts[0], parts[1]
	case 3:
		module, dest, level = parts[0], parts[1], parts[2]
	default:
		return fmt.Errorf("vlog/set %q: want [MODULE[:DEST]:]LEVEL", spec)
	}
	if module != "" && strings.EqualFold(module, "any") {
		module = ""
	}
	switch strings.ToLower(dest) {
	case "", "any", "console", "syslog", "file":
	default:
		return fmt.Errorf("vlog/set %q: unknown destination %q", spec, dest)
	}
	l, err := ParseLevel(level)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if module == "" {
		s.def = l
		for _, lv := range s.levels {
			lv.Set(l)
		}
		return nil
	}
	lv, ok := s.levels[module]
	if !ok {
		return fmt.Errorf("vlog/set: no module %q", module)
	}
	lv.Set(l)
	return nil
}

// handler filters records by its module's level.
type handler struct {
	h  slog.Handler
	lv *slog.LevelVar
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.lv.Level() && h.h.Enabled(ctx, l)
}
func (h *handler) Handle(ctx context.Context, r slog.Record) error { return h.h.Handle(ctx, r) }
func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	return &handler{h: h.h.WithAttrs(as), lv: h.lv}
}
func (h *handler) WithGroup(n string) slog.Handler { return &handler{h: h.h.WithGroup(n), lv: h.lv} }

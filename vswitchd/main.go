package vswitchd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/xvs-switch/xvs/internal/rundir"
	"github.com/xvs-switch/xvs/vswitchd/vlog"
)

// Main runs `xvs vswitchd ARGS` until SIGTERM or SIGINT (or `xvs appctl
// exit`) and returns the exit status.
func Main(args []string, _ io.Reader, _, stderr io.Writer) int {
	fs := flag.NewFlagSet("xvs vswitchd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runDir := fs.String("rundir", rundir.Dir(), "directory of the API socket and the bridges' management sockets")
	db := fs.String("db", "", "OVSDB remote (default unix:RUNDIR/db.sock)")
	pinRoot := fs.String("pin-root", DefaultPinRoot, "bpffs directory of the datapaths' pinned maps and links")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level of every module: off, err, warn, info or dbg")
	gcPercent := fs.Int("gc-percent", -1, fmt.Sprintf("garbage collection target (GOGC): heap growth between collections, in per cent of the live heap; -1: GOGC from the environment, else %d", defaultGCPercent))
	memLimit := fs.Int64("memory-limit", 0, "soft limit of the Go heap in MiB (GOMEMLIMIT), 0: none")
	var pidfile string
	var havePidfile bool
	fs.Func("pidfile", "write the process id to FILE (--pidfile alone: RUNDIR/vswitchd.pid)", func(s string) error {
		pidfile, havePidfile = s, true
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: xvs vswitchd [--db unix:PATH] [--rundir DIR] [--pidfile[=FILE]] [--log-format text|json] [--log-level LEVEL] [--pin-root DIR] [--gc-percent N] [--memory-limit MIB]")
		fs.PrintDefaults()
	}
	// --pidfile without a value, as ovs-vswitchd takes it.
	for i, a := range args {
		if a == "--pidfile" || a == "-pidfile" {
			args[i] = "--pidfile="
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "xvs vswitchd: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	level, err := vlog.ParseLevel(*logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "xvs vswitchd: --log-level: %v\n", err)
		return 2
	}
	var h slog.Handler
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	switch *logFormat {
	case "text":
		h = slog.NewTextHandler(stderr, opts)
	case "json":
		h = slog.NewJSONHandler(stderr, opts)
	default:
		fmt.Fprintf(stderr, "xvs vswitchd: --log-format %q: want text or json\n", *logFormat)
		return 2
	}
	if havePidfile {
		if pidfile == "" {
			pidfile = filepath.Join(*runDir, "vswitchd.pid")
		}
		if err := writePidfile(pidfile); err != nil {
			fmt.Fprintf(stderr, "xvs vswitchd: %v\n", err)
			return 1
		}
		defer os.Remove(pidfile)
	}
	setGC(*gcPercent, *memLimit<<20)
	stopProfile, err := startCPUProfile()
	if err != nil {
		fmt.Fprintf(stderr, "xvs vswitchd: %v\n", err)
		return 1
	}
	defer stopProfile()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	logs := vlog.New(h, level)
	err = Run(ctx, Config{DB: *db, RunDir: *runDir, PinRoot: *pinRoot, Logs: logs})
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "xvs vswitchd: %v\n", err)
		return 1
	}
	return 0
}

// writePidfile writes the pid; a file naming a live process is refused.
func writePidfile(path string) error {
	if b, err := os.ReadFile(path); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid != os.Getpid() {
			// EPERM: it exists but belongs to another user.
			if err := syscall.Kill(pid, 0); err == nil || errors.Is(err, syscall.EPERM) {
				return fmt.Errorf("pidfile %s: process %d is running", path, pid)
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("pidfile: %w", err)
	}
	return os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
}

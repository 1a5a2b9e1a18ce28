package ovsdbserver

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
	"github.com/xvs-switch/xvs/ovsdb/engine"
	"github.com/xvs-switch/xvs/ovsdb/schema"
	"github.com/xvs-switch/xvs/ovsdb/server"
)

// DefaultDBFile is the database file used when none is named.
const DefaultDBFile = "/var/lib/xvs/conf.db"

// DefaultRemote is punix:<rundir>/db.sock (/run/xvs, or XVS_RUNDIR).
func DefaultRemote() string { return "punix:" + rundir.DBSocket() }

type remotes []string

func (r *remotes) String() string     { return strings.Join(*r, ",") }
func (r *remotes) Set(v string) error { *r = append(*r, v); return nil }

// Main runs `xvs ovsdb-server ARGS` until SIGTERM or SIGINT and returns
// the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return Run(ctx, args, stderr)
}

// Run is Main with the caller's context (tests cancel it to stop).
func Run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("xvs ovsdb-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rs remotes
	fs.Var(&rs, "remote", "listen on `REMOTE`: punix:PATH or ptcp:PORT[:IP] (repeatable; default "+DefaultRemote()+")")
	pidfile := fs.String("pidfile", "", "write the process id to `FILE`")
	schemaFile := fs.String("schema", "", "create a new database from the schema in `FILE` (default: the built-in Open_vSwitch schema)")
	maxMsg := fs.Int("max-message", 64<<20, "largest JSON-RPC message accepted, in `bytes`")
	maxBacklog := fs.Int("max-backlog", 64<<20, "largest unsent backlog per client before it is disconnected, in `bytes`")
	verbose := fs.Bool("verbose", false, "log every session and transaction comment")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: xvs ovsdb-server [--remote REMOTE]... [--pidfile FILE] [--schema FILE] [DBFILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(stderr, "xvs ovsdb-server: at most one DBFILE")
		return 2
	}
	dbfile := DefaultDBFile
	if fs.NArg() == 1 {
		dbfile = fs.Arg(0)
	}
	if len(rs) == 0 {
		rs = remotes{DefaultRemote()}
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := run(ctx, log, rs, dbfile, *schemaFile, *pidfile, *maxMsg, *maxBacklog); err != nil {
		fmt.Fprintf(stderr, "xvs ovsdb-server: %v\n", err)
		return 1
	}
	return 0
}

func run(ctx context.Context, log *slog.Logger, rs remotes, dbfile, schemaFile, pidfile string, maxMsg, maxBacklog int) error {
	sch := schema.OpenVSwitch()
	if schemaFile != "" {
		data, err := os.ReadFile(schemaFile)
		if err != nil {
			return err
		}
		if sch, err = schema.Parse(data); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(dbfile), 0o755); err != nil {
		return err
	}
	for _, r := range rs {
		if path, ok := strings.CutPrefix(r, "punix:"); ok {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
		}
	}
	db, err := engine.Open(dbfile, sch, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if pidfile != "" {
		if err := os.WriteFile(pidfile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			return err
		}
		defer os.Remove(pidfile)
	}
	srv := server.New(server.Config{Logger: log, MaxMessage: maxMsg, MaxBacklog: maxBacklog}, db)
	if err := srv.Run(ctx, rs); err != nil && !errors.Is(err, server.ErrServerClosed) {
		return err
	}
	return nil
}

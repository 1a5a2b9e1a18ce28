package appctl

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/internal/rundir"
	"github.com/xvs-switch/xvs/vswitchd/api"
)

// Main runs `xvs appctl ARGS` and returns the exit status: 0 on success, 1
// when the daemon cannot be reached, 2 for a usage error or a command the
// daemon refused (ovs-appctl's status).
func Main(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("xvs appctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var target string
	fs.StringVar(&target, "t", "", "target: a socket path or a daemon name (default: vswitchd's socket)")
	fs.StringVar(&target, "target", "", "same as -t")
	format := fs.String("format", "text", "output format of listing commands: text or json")
	fs.StringVar(format, "f", "text", "same as --format")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long (0: never)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: xvs appctl [-t TARGET] [--format text|json] [--timeout DURATION] COMMAND [ARG...]")
		fmt.Fprintln(stderr, "  'xvs appctl list-commands' lists the daemon's commands")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "xvs appctl: --format %q: want text or json\n", *format)
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return 2
	}
	c, err := api.Dial(socketOf(target))
	if err != nil {
		fmt.Fprintf(stderr, "xvs appctl: %v\n", err)
		return 1
	}
	defer c.Close()
	c.Timeout = *timeout
	out, err := c.Appctl(context.Background(), rest[0], rest[1:], *format)
	var cerr *api.CommandError
	switch {
	case errors.As(err, &cerr):
		fmt.Fprintln(stderr, strings.TrimRight(cerr.Msg, "\n"))
		fmt.Fprintln(stderr, "xvs appctl: vswitchd: server returned an error")
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "xvs appctl: %v\n", err)
		return 1
	}
	io.WriteString(stdout, out)
	if out != "" && !strings.HasSuffix(out, "\n") {
		io.WriteString(stdout, "\n")
	}
	return 0
}

// socketOf resolves -t: empty or a vswitchd name is the default socket, a
// path is used as is, another name is <rundir>/NAME.sock.
func socketOf(target string) string {
	switch target {
	case "", "vswitchd", "ovs-vswitchd", "xvs-vswitchd":
		return api.DefaultSocket()
	}
	if strings.Contains(target, "/") {
		return target
	}
	return filepath.Join(rundir.Dir(), target+".sock")
}

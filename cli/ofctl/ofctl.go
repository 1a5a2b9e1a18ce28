package ofctl

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// Main runs `xvs ofctl ARGS` and returns the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("xvs ofctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: xvs ofctl [--format text|json] COMMAND [ARG...]")
		fmt.Fprintln(stderr, "commands:")
		for _, c := range commands {
			fmt.Fprintf(stderr, "  %-28s %s\n", c.usage, c.summary)
		}
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "xvs ofctl: --format %q: want text or json\n", *format)
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return 2
	}
	env := &env{stdin: stdin, stdout: stdout, stderr: stderr, json: *format == "json"}
	for _, c := range commands {
		if c.name == rest[0] {
			if err := c.run(env, rest[1:]); err != nil {
				fmt.Fprintf(stderr, "xvs ofctl: %s: %v\n", c.name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "xvs ofctl: unknown command %q; known: %s\n", rest[0], commandNames())
	return 2
}

// env is what a command sees of the process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	json           bool
}

type command struct {
	name, usage, summary string
	run                  func(e *env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"ofp-print", "ofp-print [HEX]", "decode OpenFlow messages given in hex (or on stdin)", ofpPrint},
	}
}

func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// Command xvs is the single binary of the xvs virtual switch. Each tool is a
// subcommand that accepts the syntax of its Open vSwitch counterpart:
//
//	xvs ofctl     (ovs-ofctl)    OpenFlow switch management
//	xvs vsctl     (ovs-vsctl)    switch configuration through OVSDB
//
// Later subcommands (ovsdb-server, vswitchd, vsctl, dpctl, appctl) register
// in the commands table below.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/xvs-switch/xvs/cli/appctl"
	"github.com/xvs-switch/xvs/cli/dpctl"
	"github.com/xvs-switch/xvs/cli/ofctl"
	"github.com/xvs-switch/xvs/cli/ovsdbserver"
	"github.com/xvs-switch/xvs/cli/vsctl"
	"github.com/xvs-switch/xvs/vswitchd"
)

// A command is one subcommand of xvs. Run gets the arguments after the
// subcommand name and returns the process exit status.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = []command{
	{"ofctl", "OpenFlow switch management (the syntax of ovs-ofctl)", ofctl.Main},
	{"dpctl", "datapath management (the syntax of ovs-dpctl)", dpctl.Main},
	{"ovsdb-server", "OVSDB server over a bbolt file (the syntax of ovsdb-server)", ovsdbserver.Main},
	{"vsctl", "switch configuration through OVSDB (the syntax of ovs-vsctl)", vsctl.Main},
	{"vswitchd", "the switch daemon (the syntax of ovs-vswitchd)", vswitchd.Main},
	{"appctl", "commands to a running vswitchd (the syntax of ovs-appctl)", appctl.Main},
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: xvs COMMAND [ARG...]")
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "xvs: unknown command %q (try 'xvs help')\n", args[0])
	return 2
}

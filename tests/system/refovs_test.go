package system

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// With XVS_SYSTEST_REF=ovs the scenarios run against Open vSwitch
// (ovsdb-server and ovs-vswitchd with its userspace datapath) instead of
// xvs: a check of the tests themselves, that what they expect is what the
// switch xvs imitates does. TestRestart, which needs a fast path that
// outlives the daemon, skips there.
func refOVS() bool { return os.Getenv("XVS_SYSTEST_REF") == "ovs" }

const ovsSchema = "/usr/share/openvswitch/vswitch.ovsschema"

func (e *Env) startOVSDB() {
	e.t.Helper()
	db := filepath.Join(e.Dir, "conf.db")
	if _, err := os.Stat(db); err != nil {
		if out, err := e.command("ovsdb-tool", "create", db, ovsSchema); err != nil {
			e.t.Fatalf("ovsdb-tool create: %v\n%s", err, out)
		}
	}
	e.db = e.spawn("ovsdb-server", "ovsdb-server", db, "--remote=punix:"+e.DBSock(),
		"--pidfile="+filepath.Join(e.Dir, "ovsdb-server.pid"))
	e.waitSocket(e.db, e.DBSock())
	if out, err := e.command("ovs-vsctl", "--db=unix:"+e.DBSock(), "--no-wait", "init"); err != nil {
		e.t.Fatalf("ovs-vsctl init: %v\n%s", err, out)
	}
}

func (e *Env) startOVSVswitchd() {
	e.t.Helper()
	e.vs = e.spawn("vswitchd", "ovs-vswitchd", "unix:"+e.DBSock(), "--disable-system",
		"--pidfile="+filepath.Join(e.Dir, "ovs-vswitchd.pid"))
	e.waitSocket(e.vs, filepath.Join(e.Dir, fmt.Sprintf("ovs-vswitchd.%d.ctl", e.vs.cmd.Process.Pid)))
}

// ovsCommand runs the Open vSwitch tool that does what the xvs subcommand
// args would.
func (e *Env) ovsCommand(args ...string) (string, error) {
	if len(args) == 0 {
		return "", fmt.Errorf("no command")
	}
	rest := append([]string(nil), args[1:]...)
	switch args[0] {
	case "vsctl":
		return e.command("ovs-vsctl", append([]string{"--db=unix:" + e.DBSock()}, rest...)...)
	case "appctl":
		return e.command("ovs-appctl", rest...)
	case "ofctl":
		return e.command("ovs-ofctl", append([]string{"-O", "OpenFlow13"}, rest...)...)
	case "dpctl":
		if len(rest) > 0 {
			rest[0] = "dpctl/" + rest[0]
		}
		return e.command("ovs-appctl", rest...)
	}
	return "", fmt.Errorf("no Open vSwitch tool for %s", strings.Join(args, " "))
}

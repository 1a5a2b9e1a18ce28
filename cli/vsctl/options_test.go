package vsctl

import (
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	t.Setenv("XVS_RUNDIR", "/tmp/xvc-rundir")
	o, cmds, err := parseArgs([]string{"--no-wait", "-t", "5", "--format=table",
		"add-br", "br0", "--", "--may-exist", "add-port", "br0", "p1", "tag=3",
		"--", "--id=@c", "create", "Controller", "target=x", "--", "list-br"})
	if err != nil {
		t.Fatal(err)
	}
	if !o.noWait || o.timeout != 5*time.Second || o.format != "table" || o.db != "unix:/tmp/xvc-rundir/db.sock" {
		t.Errorf("options %+v", o)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.name+"("+strings.Join(c.args, " ")+")")
	}
	if got := strings.Join(names, " "); got != "add-br(br0) add-port(br0 p1 tag=3) create(Controller target=x) list-br()" {
		t.Errorf("commands %s", got)
	}
	if !cmds[1].has("--may-exist") || cmds[0].has("--may-exist") || cmds[2].opts["--id"] != "@c" {
		t.Errorf("command options %v %v %v", cmds[0].opts, cmds[1].opts, cmds[2].opts)
	}
	// Command options before the first command apply to it.
	_, cmds, err = parseArgs([]string{"--db=tcp:127.0.0.1:6640", "--if-exists", "del-br", "x"})
	if err != nil || !cmds[0].has("--if-exists") {
		t.Errorf("leading command option: %v %v", err, cmds)
	}
	o, _, _ = parseArgs([]string{"--bare", "list", "Bridge"})
	if o.format != "list" || o.data != "bare" || o.headings {
		t.Errorf("--bare: %+v", o)
	}
	o, _, _ = parseArgs([]string{"-f", "json", "list", "Bridge"})
	if o.data != "json" {
		t.Errorf("-f json: data %s, want json", o.data)
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "missing command name"},
		{[]string{"--no-wait"}, "missing command name"},
		{[]string{"frobnicate"}, "unknown command 'frobnicate'"},
		{[]string{"add-br"}, "'add-br' command requires at least 1 arguments"},
		{[]string{"del-br", "a", "b"}, "'del-br' command takes at most 1 arguments"},
		{[]string{"--may-exist", "del-br", "a"}, "'del-br' command has no '--may-exist' option"},
		{[]string{"--bogus", "list-br"}, "unrecognized option '--bogus'"},
		{[]string{"--format=xml", "list-br"}, "unknown output format"},
		{[]string{"-t", "soon", "list-br"}, "value soon on -t or --timeout is invalid"},
		{[]string{"--db"}, "option '--db' requires an argument"},
		{[]string{"--id=c", "create", "Bridge", "name=x"}, "does not begin with \"@\""},
		{[]string{"list-br", "--", "--"}, ""},
		{[]string{"list-br", "--", "--if-exists"}, "missing command name"},
	} {
		_, _, err := parseArgs(tc.args)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.args, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestNeeds(t *testing.T) {
	sch, err := parseSchema(schemaJSON())
	if err != nil {
		t.Fatal(err)
	}
	parse := func(args ...string) map[string][]string {
		_, cmds, err := parseArgs(args)
		if err != nil {
			t.Fatal(err)
		}
		return needs(cmds, sch)
	}
	n := parse("add-port", "br0", "p1")
	if len(n) != 4 || n["Interface"] == nil || n["Port"] == nil || len(n["Interface"]) != 1 {
		t.Errorf("add-port reads %v; want the bridge model's columns only", n)
	}
	n = parse("add-port", "br0", "p1", "--", "list", "Controller")
	if n["Controller"] != nil || n["Bridge"] != nil || n["Port"] == nil {
		t.Errorf("add-port + list Controller reads %v; want Controller and Bridge whole", n)
	}
	if _, ok := n["Controller"]; !ok {
		t.Errorf("list Controller does not read Controller: %v", n)
	}
	if n := parse("show"); len(n) != len(sch.Names) {
		t.Errorf("show reads %d tables, want all %d", len(n), len(sch.Names))
	}
}

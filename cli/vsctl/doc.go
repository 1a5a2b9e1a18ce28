// Package vsctl is `xvs vsctl`: the command-line syntax of ovs-vsctl(8) over
// an OVSDB connection to the Open_vSwitch database (xvs ovsdb-server or the
// real ovsdb-server).
//
// A run reads the database into a replica, executes every command of the
// command line against it (commands are separated by "--"), and commits all
// the changes as ONE transaction (RFC 7047 §4.1.3), so that a failing
// command leaves nothing of the others. Unless --no-wait, the transaction
// also increments Open_vSwitch.next_cfg, and vsctl waits on a monitor until
// the switch daemon reports cur_cfg >= next_cfg. Output is printed only
// after the commit, in ovs-vsctl's formats.
//
// Files: options.go (command line), commands.go (the table and what each
// command reads), datum.go and parse.go (values: printing and reading in
// ovs-vsctl's syntax), replica.go (the in-memory copy and the transaction
// it becomes), cache.go (bridges, fake bridges, ports and interfaces by
// name), records.go (naming rows), format.go (table, list, csv, json, html,
// bare), cmd_*.go and show.go (the commands), vsctl.go (a run: read,
// execute, commit, wait for cur_cfg).
package vsctl

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
// Files: options.go (command line), commands.go (the table), datum.go
// (values in ovs-vsctl's syntax), replica.go (the in-memory copy and the
// transaction it becomes), records.go (naming rows), format.go (table, list,
// csv, json, bare), cmd_*.go and show.go (the commands), wait.go (next_cfg).
package vsctl

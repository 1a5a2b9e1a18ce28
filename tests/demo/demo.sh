#!/usr/bin/env bash
# The xvs demo (`make demo`): a private xvs installation, bridge br0, and three
# network namespaces standing for VMs: vm1 and vm2 on VLAN 10, vm3 on VLAN 20.
# It shows VLAN 10 pinging and carrying TCP, VLAN 20 isolated from it, and what
# the tools print about it; then it tears everything down, or with KEEP=1
# leaves it up until `tests/demo/demo.sh stop`.
#
#   tests/demo/demo.sh          run the demo (as root; `make demo` builds xvs first)
#   KEEP=1 tests/demo/demo.sh   run it and leave it up to look around
#   tests/demo/demo.sh stop     tear down a demo left up
#
# XVS names the xvs binary (default: bin/xvs of this tree).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
XVS=${XVS:-$root/bin/xvs}
KEEP=${KEEP:-0}
# Where a demo left up records what to tear down.
STATE=${XVS_DEMO_STATE:-/run/xvs-demo.state}

BR=br0
VMS=(vm1 vm2 vm3)
declare -A IP=([vm1]=10.0.0.1 [vm2]=10.0.0.2 [vm3]=10.0.0.3)
declare -A MAC=([vm1]=02:00:00:00:00:01 [vm2]=02:00:00:00:00:02 [vm3]=02:00:00:00:00:03)
declare -A TAG=([vm1]=10 [vm2]=10 [vm3]=20)
# Namespace and host-side veth names: xvs-<vm>.
ns() { echo "xvs-$1"; }

# Bold headings and a red failure line on a terminal only.
bold='' red='' plain=''
if [ -t 1 ]; then
	bold=$'\033[1m' red=$'\033[1;31m' plain=$'\033[0m'
fi
stepno=0
step() {
	stepno=$((stepno + 1))
	current="$*"
	printf '\n%s== %d. %s%s\n' "$bold" "$stepno" "$*" "$plain"
}
fail() {
	printf '\n%sdemo: FAILED at step %d (%s): %s%s\n' "$red" "$stepno" "${current:-setup}" "$*" "$plain" >&2
	for log in "${WORK:-/nonexistent}"/*.log; do
		[ -f "$log" ] || continue
		echo "--- last lines of $log:" >&2
		tail -n 20 "$log" >&2
	done
	exit 1
}
# xvs is what the demo's commands call, so that they print as a user types them.
xvs() { "$XVS" "$@"; }
# show runs a command, printing it first as a user would type it.
show() {
	printf '$ %s\n' "$*"
	"$@"
}
# until_ok runs a command every 0.2 s until it succeeds or SECS pass.
until_ok() {
	local secs=$1
	shift
	local deadline=$((SECONDS + secs))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# wait_socket waits up to SECS for daemon PID to create SOCK; it fails at
# once if the daemon exits.
wait_socket() {
	local pid=$1 sock=$2 secs=$3 name=$4
	local deadline=$((SECONDS + secs))
	until [ -S "$sock" ]; do
		kill -0 "$pid" 2>/dev/null || fail "$name exited (log: $WORK/$name.log)"
		[ $SECONDS -lt $deadline ] || fail "$name did not create $sock within ${secs}s"
		sleep 0.1
	done
}

# teardown stops the daemons and removes everything a demo created. It reads
# the state file, so it works from `demo.sh stop` as well as from the trap.
teardown() {
	[ -f "$STATE" ] || return 0
	# shellcheck disable=SC1090
	. "$STATE"
	echo
	echo "== tearing down the demo (${WORK})"
	if [ -n "${VSWITCHD_PID:-}" ] && kill -0 "$VSWITCHD_PID" 2>/dev/null; then
		XVS_RUNDIR=$WORK/run "$XVS" vsctl --timeout=5 --if-exists del-br $BR >/dev/null 2>&1
		stop_pid "$VSWITCHD_PID"
	fi
	[ -n "${OVSDB_PID:-}" ] && stop_pid "$OVSDB_PID"
	for vm in "${VMS[@]}"; do
		# Deleting a namespace does not end what runs in it (iperf3 -s).
		for pid in $(ip netns pids "$(ns "$vm")" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
		ip link del "$(ns "$vm")" 2>/dev/null
		ip netns del "$(ns "$vm")" 2>/dev/null
	done
	ip link del $BR 2>/dev/null
	[ -n "${PINS:-}" ] && rm -rf "$PINS"
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
	rm -f "$STATE"
	return 0
}
# stop_pid ends a daemon of this demo: one whose command line names the
# demo's directory (a recorded pid may belong to another process by now).
stop_pid() {
	grep -qF "$WORK" "/proc/$1/cmdline" 2>/dev/null || return 0
	kill "$1" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null
}

if [ "${1:-}" = stop ]; then
	[ -f "$STATE" ] || { echo "demo: no demo is up (no $STATE)"; exit 0; }
	teardown
	echo "demo: stopped"
	exit 0
fi
[ $# -eq 0 ] || { echo "usage: $0 [stop]   (KEEP=1 leaves the demo up)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces, BPF)" >&2; exit 1; }
[ -x "$XVS" ] || { echo "demo: no xvs binary at $XVS (run 'make build' or 'make demo')" >&2; exit 1; }
for cmd in ip ping iperf3; do
	command -v $cmd >/dev/null || { echo "demo: needs $cmd (make deps installs it)" >&2; exit 1; }
done
if [ -f "$STATE" ]; then
	echo "demo: a demo is still up from an earlier KEEP=1 run; stopping it first"
	teardown
fi

on_exit() {
	status=$?
	if [ "$KEEP" = 1 ]; then
		if [ $status -eq 0 ]; then
			cat <<EOF

The demo is left up (KEEP=1). Look around:
  export XVS_RUNDIR=$WORK/run
  alias xvs=$XVS
  xvs vsctl show
  xvs ofctl dump-flows $BR
  xvs dpctl dump-flows
  xvs appctl fdb/show $BR
  xvs appctl ofproto/trace $BR in_port=1,dl_src=${MAC[vm1]},dl_dst=${MAC[vm2]},icmp,nw_src=${IP[vm1]},nw_dst=${IP[vm2]}
  ip netns exec $(ns vm1) ping ${IP[vm2]}
  ovs-ofctl -O OpenFlow13 dump-flows unix:$WORK/run/$BR.mgmt
  ovs-vsctl --db=unix:$WORK/run/db.sock show
Logs: $WORK/*.log
Stop it with: tests/demo/demo.sh stop
EOF
		else
			echo "demo: left up for inspection (KEEP=1); stop it with: tests/demo/demo.sh stop" >&2
		fi
		exit $status
	fi
	teardown
	exit $status
}

step "A private xvs installation"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || fail "cannot mount bpffs on /sys/fs/bpf"
WORK=$(mktemp -d /tmp/xvs-demo.XXXXXX) || fail "mktemp"
echo "WORK=$WORK" >"$STATE"
trap on_exit EXIT
trap 'exit 130' INT TERM
trap 'exit 129' HUP
# Output piped into a reader that quits (| head) must not kill the script
# before it has torn down what it made.
trap '' PIPE
# bpffs refuses names with a dot.
PINS=$(mktemp -d /sys/fs/bpf/xvs-demo-XXXXXX) || fail "mktemp on bpffs"
echo "PINS=$PINS" >>"$STATE"
export XVS_RUNDIR=$WORK/run
mkdir -p "$XVS_RUNDIR"
echo "run directory (XVS_RUNDIR) $XVS_RUNDIR, database $WORK/conf.db, BPF pins $PINS"

step "Starting xvs ovsdb-server"
"$XVS" ovsdb-server --remote "punix:$XVS_RUNDIR/db.sock" "$WORK/conf.db" >"$WORK/ovsdb-server.log" 2>&1 &
echo "OVSDB_PID=$!" >>"$STATE"
wait_socket $! "$XVS_RUNDIR/db.sock" 10 ovsdb-server
echo "ovsdb-server listens on $XVS_RUNDIR/db.sock"

step "Starting xvs vswitchd"
"$XVS" vswitchd --db "unix:$XVS_RUNDIR/db.sock" --rundir "$XVS_RUNDIR" --pin-root "$PINS" >"$WORK/vswitchd.log" 2>&1 &
echo "VSWITCHD_PID=$!" >>"$STATE"
wait_socket $! "$XVS_RUNDIR/vswitchd.sock" 15 vswitchd
echo "vswitchd is up (API socket $XVS_RUNDIR/vswitchd.sock)"

step "Bridge $BR and three VMs: vm1, vm2 on VLAN 10, vm3 on VLAN 20"
show xvs vsctl --timeout=20 add-br $BR || fail "add-br $BR"
# br0's own interface (the bridge's LOCAL port) would chatter IPv6 too.
[ -e /proc/sys/net/ipv6/conf/$BR ] && sysctl -q -w net.ipv6.conf.$BR.disable_ipv6=1
for vm in "${VMS[@]}"; do
	n=$(ns "$vm")
	ip netns add "$n" || fail "ip netns add $n"
	ip -n "$n" link set lo up
	# IPv4 only: keeps the flow dumps below to what the demo is about.
	ip netns exec "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip link add "$n" type veth peer name eth0 netns "$n" || fail "veth for $vm"
	ip link set "$n" up
	ip -n "$n" link set eth0 address "${MAC[$vm]}"
	ip -n "$n" addr add "${IP[$vm]}/24" dev eth0
	ip -n "$n" link set eth0 up
	echo "$vm: namespace $n, eth0 ${IP[$vm]}/24 ${MAC[$vm]}, bridge port $n tag=${TAG[$vm]}"
	show xvs vsctl --timeout=20 add-port $BR "$n" "tag=${TAG[$vm]}" || fail "add-port $n"
done

step "VLAN 10: vm1 pings vm2"
until_ok 15 ip netns exec "$(ns vm1)" ping -c1 -W1 "${IP[vm2]}" || fail "vm1 cannot ping vm2 (${IP[vm2]})"
show ip netns exec "$(ns vm1)" ping -c3 -i0.2 "${IP[vm2]}" || fail "vm1 -> vm2 ping"

step "VLAN 10: TCP from vm1 to vm2 (iperf3 -t 3)"
ip netns exec "$(ns vm2)" iperf3 -s -1 -D -B "${IP[vm2]}" || fail "iperf3 server in vm2"
until_ok 10 sh -c "ip netns exec $(ns vm2) ss -Hltn 'sport = :5201' | grep -q 5201" || fail "iperf3 server in vm2 does not listen"
show ip netns exec "$(ns vm1)" iperf3 -c "${IP[vm2]}" -t 3 -f g || fail "iperf3 vm1 -> vm2"

step "VLAN 20 is isolated: vm3 cannot ping vm1 or vm2"
for to in vm1 vm2; do
	if ip netns exec "$(ns vm3)" ping -c2 -i0.5 -W1 "${IP[$to]}" >/dev/null 2>&1; then
		fail "vm3 (VLAN 20) reached $to (VLAN 10)"
	fi
	echo "vm3 -> $to (${IP[$to]}): no answer, as it should be"
done

step "What the switch says about it"
show xvs vsctl show || fail "vsctl show"
echo
show xvs ofctl dump-flows $BR || fail "ofctl dump-flows"
echo
show xvs dpctl dump-flows || fail "dpctl dump-flows"
echo
show xvs appctl fdb/show $BR || fail "appctl fdb/show"
echo
p1=$(xvs vsctl get Interface "$(ns vm1)" ofport)
show xvs appctl ofproto/trace $BR "in_port=$p1,dl_src=${MAC[vm1]},dl_dst=${MAC[vm2]},icmp,nw_src=${IP[vm1]},nw_dst=${IP[vm2]}" || fail "ofproto/trace"

step "Done"
echo "VLAN 10 switched ping and TCP; VLAN 20 stayed isolated."

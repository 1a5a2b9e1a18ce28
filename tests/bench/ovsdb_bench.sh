#!/usr/bin/env bash
# OVSDB benchmark: configuration speed of xvs (xvs vsctl + xvs ovsdb-server)
# next to Open vSwitch (ovs-vsctl + ovsdb-server), on the same machine, in
# one run. Two workloads:
#   seq   N sequential `--no-wait add-port br0 pI` (one process and one
#         transaction each: connection, schema, snapshot, commit)
#   bulk  one `--no-wait add-br br0 -- add-port br0 p1 -- ... pM` line:
#         M ports in a single transaction
# A third column runs xvs vsctl against OVS's ovsdb-server, to tell the
# client's share from the server's. Ratios are OVS time / xvs time (> 1:
# xvs is faster).
#
# usage: tests/bench/ovsdb_bench.sh [N] [M]     (defaults 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000}
M=${2:-10000}
SCHEMA=/usr/share/openvswitch/vswitch.ovsschema

for c in ovsdb-server ovsdb-tool ovs-vsctl; do
	command -v "$c" >/dev/null || { echo "ovsdb_bench: needs $c (make deps)"; exit 1; }
done
go build -o bin/xvs ./cli/xvs
XVS=$PWD/bin/xvs
have_xvs_server=0
if "$XVS" help 2>/dev/null | grep -q '^  ovsdb-server'; then
	have_xvs_server=1
fi

WORK=$(mktemp -d /tmp/xvc-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT

# start_server KIND DIR: starts a fresh server with an empty Open_vSwitch
# database and a socket DIR/db.sock.
start_server() {
	local kind=$1 dir=$2
	mkdir -p "$dir"
	case $kind in
	ovs)
		ovsdb-tool create "$dir/conf.db" "$SCHEMA"
		ovsdb-server --remote="punix:$dir/db.sock" --no-chdir --pidfile="$dir/pid" \
			--unixctl="$dir/ctl" --log-file="$dir/log" -vconsole:off "$dir/conf.db" &
		;;
	xvs)
		"$XVS" ovsdb-server --remote="punix:$dir/db.sock" "$dir/conf.db" >"$dir/log" 2>&1 &
		;;
	esac
	PIDS+=($!)
	for _ in $(seq 200); do
		[ -S "$dir/db.sock" ] && return 0
		sleep 0.05
	done
	echo "ovsdb_bench: $kind server did not start:"; cat "$dir/log"; exit 1
}

now() { date +%s.%N; }

# run_seq CLIENT DIR: N sequential add-ports; prints seconds.
run_seq() {
	local client=$1 dir=$2 t0 t1
	$client --db="unix:$dir/db.sock" --no-wait add-br br0
	t0=$(now)
	for i in $(seq 1 "$N"); do
		$client --db="unix:$dir/db.sock" --no-wait add-port br0 "p$i"
	done
	t1=$(now)
	[ "$($client --db="unix:$dir/db.sock" --no-wait list-ports br0 | wc -l)" = "$N" ] ||
		{ echo "ovsdb_bench: seq: wrong port count"; exit 1; }
	awk "BEGIN { print $t1 - $t0 }"
}

# run_bulk CLIENT DIR: one transaction with M add-ports; prints seconds.
run_bulk() {
	local client=$1 dir=$2 t0 t1 args=(add-br br0)
	for i in $(seq 1 "$M"); do args+=(-- add-port br0 "p$i"); done
	t0=$(now)
	$client --db="unix:$dir/db.sock" --no-wait "${args[@]}" 2>/dev/null
	t1=$(now)
	[ "$($client --db="unix:$dir/db.sock" --no-wait list-ports br0 | wc -l)" = "$M" ] ||
		{ echo "ovsdb_bench: bulk: wrong port count"; exit 1; }
	awk "BEGIN { print $t1 - $t0 }"
}

declare -A T
for combo in "ovs ovs-vsctl" "xvsc $XVS vsctl" "xvs $XVS vsctl"; do
	set -- $combo
	name=$1
	shift
	client="$*"
	server=ovs
	if [ "$name" = xvs ]; then
		[ $have_xvs_server = 1 ] || continue
		server=xvs
	fi
	start_server $server "$WORK/$name-seq"
	T[$name-seq]=$(run_seq "$client" "$WORK/$name-seq")
	start_server $server "$WORK/$name-bulk"
	T[$name-bulk]=$(run_bulk "$client" "$WORK/$name-bulk")
done

ratio() { [ -n "${2:-}" ] && awk "BEGIN { printf \"%.2f\", $1 / $2 }" || echo "-"; }
cell() { [ -n "${1:-}" ] && printf "%.2f s" "$1" || echo "n/a"; }

echo "OVSDB benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -r), $(ovs-vsctl --version | head -1)"
echo
printf "| %-34s | %-26s | %-26s | %-30s | %-12s |\n" "workload" "OVS: ovs-vsctl+ovsdb-server" "xvs: vsctl+ovsdb-server" "xvs vsctl + OVS ovsdb-server" "OVS/xvs"
printf "|%s|%s|%s|%s|%s|\n" "------------------------------------" "----------------------------" "----------------------------" "--------------------------------" "--------------"
printf "| %-34s | %-26s | %-26s | %-30s | %-12s |\n" "$N sequential add-port (--no-wait)" "$(cell "${T[ovs-seq]}")" "$(cell "${T[xvs-seq]:-}")" "$(cell "${T[xvsc-seq]}")" "$(ratio "${T[ovs-seq]}" "${T[xvs-seq]:-}")"
printf "| %-34s | %-26s | %-26s | %-30s | %-12s |\n" "1 transaction, $M add-port" "$(cell "${T[ovs-bulk]}")" "$(cell "${T[xvs-bulk]:-}")" "$(cell "${T[xvsc-bulk]}")" "$(ratio "${T[ovs-bulk]}" "${T[xvs-bulk]:-}")"
if [ $have_xvs_server = 0 ]; then
	echo
	echo "(xvs ovsdb-server is not in this build: the xvs column is empty; the third column is xvs vsctl against OVS's server)"
fi

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
# (not `| grep -q`: with pipefail, grep quitting early fails the pipe)
if [[ $("$XVS" help 2>/dev/null) == *$'\n  ovsdb-server '* ]]; then
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
			--unixctl="$dir/ctl" --log-file="$dir/log" -vconsole:off "$dir/conf.db" 2>/dev/null &
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

# Microseconds of wall-clock time (bash 5's EPOCHREALTIME: no fork).
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
secs() { awk "BEGIN { print $1 / 1000000 }"; }

# The combinations: name, server kind, client command.
NAMES=(ovs xvsc)
declare -A SERVER=([ovs]=ovs [xvsc]=ovs [xvs]=xvs)
declare -A CLIENT=([ovs]="ovs-vsctl" [xvsc]="$XVS vsctl" [xvs]="$XVS vsctl")
[ $have_xvs_server = 1 ] && NAMES=(ovs xvs xvsc)

declare -A T
# seq: the combinations take turns, one add-port each, so that a load
# change on the machine hits all of them alike.
# HEAD/TAIL: time of the first and last tenth of the add-ports, to show
# whether the per-command time grows with the number of ports.
declare -A ACC HEAD TAIL
TENTH=$(( N / 10 > 0 ? N / 10 : 1 ))
for name in "${NAMES[@]}"; do
	start_server "${SERVER[$name]}" "$WORK/$name-seq"
	${CLIENT[$name]} --db="unix:$WORK/$name-seq/db.sock" --no-wait add-br br0
	ACC[$name]=0 HEAD[$name]=0 TAIL[$name]=0
done
for i in $(seq 1 "$N"); do
	for name in "${NAMES[@]}"; do
		t0=$(now_us)
		${CLIENT[$name]} --db="unix:$WORK/$name-seq/db.sock" --no-wait add-port br0 "p$i"
		t1=$(now_us)
		ACC[$name]=$((ACC[$name] + t1 - t0))
		[ "$i" -le "$TENTH" ] && HEAD[$name]=$((HEAD[$name] + t1 - t0))
		[ "$i" -gt $((N - TENTH)) ] && TAIL[$name]=$((TAIL[$name] + t1 - t0))
	done
done
for name in "${NAMES[@]}"; do
	n=$(${CLIENT[$name]} --db="unix:$WORK/$name-seq/db.sock" --no-wait list-ports br0 | wc -l)
	[ "$n" = "$N" ] || { echo "ovsdb_bench: seq $name: $n ports, want $N"; exit 1; }
	T[$name-seq]=$(secs "${ACC[$name]}")
done

# bulk: one line of M add-ports, each combination on a fresh database.
bulk=(add-br br0)
for i in $(seq 1 "$M"); do bulk+=(-- add-port br0 "p$i"); done
for name in "${NAMES[@]}"; do
	start_server "${SERVER[$name]}" "$WORK/$name-bulk"
	t0=$(now_us)
	${CLIENT[$name]} --db="unix:$WORK/$name-bulk/db.sock" --no-wait "${bulk[@]}" 2>/dev/null
	t1=$(now_us)
	n=$(${CLIENT[$name]} --db="unix:$WORK/$name-bulk/db.sock" --no-wait list-ports br0 | wc -l)
	[ "$n" = "$M" ] || { echo "ovsdb_bench: bulk $name: $n ports, want $M"; exit 1; }
	T[$name-bulk]=$(secs $((t1 - t0)))
done

ratio() { [ -n "${2:-}" ] && awk "BEGIN { printf \"%.2f\", $1 / $2 }" || echo "-"; }
cell() { [ -n "${1:-}" ] && printf "%.2f s" "$1" || echo "n/a"; }

echo "OVSDB benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -r), $(ovs-vsctl --version | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf "| %-34s | %-26s | %-26s | %-30s | %-12s |\n" "workload" "OVS: ovs-vsctl+ovsdb-server" "xvs: vsctl+ovsdb-server" "xvs vsctl + OVS ovsdb-server" "OVS/xvs"
printf "|%s|%s|%s|%s|%s|\n" "------------------------------------" "----------------------------" "----------------------------" "--------------------------------" "--------------"
printf "| %-34s | %-26s | %-26s | %-30s | %-12s |\n" "$N sequential add-port (--no-wait)" "$(cell "${T[ovs-seq]}")" "$(cell "${T[xvs-seq]:-}")" "$(cell "${T[xvsc-seq]}")" "$(ratio "${T[ovs-seq]}" "${T[xvs-seq]:-}")"
printf "| %-34s | %-26s | %-26s | %-30s | %-12s |\n" "1 transaction, $M add-port" "$(cell "${T[ovs-bulk]}")" "$(cell "${T[xvs-bulk]:-}")" "$(cell "${T[xvsc-bulk]}")" "$(ratio "${T[ovs-bulk]}" "${T[xvs-bulk]:-}")"
echo
echo "Sequential add-port, mean time per command, first tenth -> last tenth of the $N:"
for name in "${NAMES[@]}"; do
	printf "  %-5s %6.1f ms -> %6.1f ms\n" "$name" "$(awk "BEGIN { print ${HEAD[$name]} / $TENTH / 1000 }")" "$(awk "BEGIN { print ${TAIL[$name]} / $TENTH / 1000 }")"
done
if [ $have_xvs_server = 0 ]; then
	echo
	echo "(xvs ovsdb-server is not in this build: the xvs column is empty; the third column is xvs vsctl against OVS's server)"
fi

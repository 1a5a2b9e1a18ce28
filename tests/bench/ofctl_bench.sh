#!/bin/sh
# Compares `xvs ofctl add-flows` with `ovs-ofctl add-flows`: both load the
# same N flows (default 100000) into the same ovs-vswitchd (userspace
# datapath, in a network namespace of its own), each into an empty table,
# and the two flow tables are then dumped and compared.
#
# usage: tests/bench/ofctl_bench.sh [N]     (root; needs Open vSwitch)
set -eu

N=${1:-100000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(mktemp -d /tmp/xofb.XXXXXX)
BR=xofbench
export OVS_RUNDIR=$DIR OVS_DBDIR=$DIR OVS_LOGDIR=$DIR

cleanup() {
	for p in vs ovsdb; do
		[ -f "$DIR/$p.pid" ] && kill "$(cat "$DIR/$p.pid")" 2>/dev/null || true
	done
	rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

go build -o "$DIR/xvs" "$ROOT/cli/xvs"

ovsdb-tool create "$DIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server --remote=punix:"$DIR/db.sock" --pidfile="$DIR/ovsdb.pid" --unixctl="$DIR/ovsdb.ctl" \
	--no-chdir --detach --log-file="$DIR/ovsdb.log" "$DIR/conf.db"
# Own network namespace: the netdev datapath creates a tap device of a
# fixed name (ovs-netdev).
unshare --net ovs-vswitchd unix:"$DIR/db.sock" --pidfile="$DIR/vs.pid" --unixctl="$DIR/vs.ctl" \
	--no-chdir --disable-system --detach --log-file="$DIR/vs.log"
ovs-vsctl --db=unix:"$DIR/db.sock" --retry --timeout=20 add-br $BR -- set bridge $BR \
	datapath_type=netdev protocols=OpenFlow10,OpenFlow13 fail-mode=secure
SW=unix:$DIR/$BR.mgmt

# N distinct flows: a /32 destination and a TCP port each.
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
	printf "priority=%d,tcp,nw_dst=10.%d.%d.%d,tp_dst=%d,actions=mod_vlan_vid:%d,output:%d\n",
		i % 1000 + 1, int(i / 65536) % 256, int(i / 256) % 256, i % 256, i % 60000 + 1, i % 4000 + 1, i % 8 + 1 }' \
	>"$DIR/flows.txt"

now() { date +%s.%N; }
run() { # NAME COMMAND...: time one add-flows into an empty table
	name=$1; shift
	ovs-ofctl -O OpenFlow13 del-flows "$SW"
	t0=$(now)
	"$@"
	t1=$(now)
	n=$(ovs-ofctl -O OpenFlow13 dump-flows "$SW" --no-stats | grep -c actions= || true)
	ovs-ofctl -O OpenFlow13 dump-flows "$SW" --no-stats | sort >"$DIR/$name.dump"
	echo "$name: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s for $N flow-mods ($n flows installed)"
}

run ovs-ofctl ovs-ofctl -O OpenFlow13 add-flows "$SW" "$DIR/flows.txt"
run xvs-ofctl "$DIR/xvs" ofctl -O OpenFlow13 add-flows "$SW" "$DIR/flows.txt"
run ovs-ofctl-2 ovs-ofctl -O OpenFlow13 add-flows "$SW" "$DIR/flows.txt"
run xvs-ofctl-2 "$DIR/xvs" ofctl -O OpenFlow13 add-flows "$SW" "$DIR/flows.txt"

if cmp -s "$DIR/ovs-ofctl.dump" "$DIR/xvs-ofctl.dump"; then
	echo "flow tables: identical"
else
	echo "flow tables DIFFER:"
	diff "$DIR/ovs-ofctl.dump" "$DIR/xvs-ofctl.dump" | head -20
	exit 1
fi

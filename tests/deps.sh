#!/usr/bin/env bash
# Installs what xvs's tests, demo and benchmarks need on a Debian 12 machine
# with Go: Debian packages (only those missing) and Go modules.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(
	clang llvm libbpf-dev bpftool        # BPF objects (make generate, generate-check)
	iproute2 ethtool iputils-ping iperf3  # system tests and demo
	tcpdump netsniff-ng                   # captures, trafgen for make bench
	openvswitch-common openvswitch-switch openvswitch-testcontroller  # interop tests
)
need=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "deps: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${need[@]}" >/dev/null
fi
go mod download

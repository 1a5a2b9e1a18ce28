package ebpf

// The BPF programs are compiled by bpf2go into objects embedded in Go
// bindings. Both are committed, so a build needs no clang; `make generate`
// reruns this and tests/generate-check.sh fails when they are stale. Flags
// are fixed and DWARF is stripped so the output does not depend on the
// checkout's path. Key and value structs are generated from the C once,
// from the TC object; the XDP object declares the same maps.
//go:generate go tool bpf2go -cc clang -target bpfel -cflags "-O2 -g -mcpu=v3 -Wall -Werror -I/usr/include/x86_64-linux-gnu" -type flow_key -type flow_actions -type action -type flow_stats -type flow_entry -type upcall_meta -type port_info -type port_slot -type port_out -type port_stats -type wide_stats -type meter -type meter_band -type exec_req -type long_actions -type upcall_reason tcport ../bpf/tc_port.c
//go:generate go tool bpf2go -cc clang -target bpfel -cflags "-O2 -g -mcpu=v3 -Wall -Werror -I/usr/include/x86_64-linux-gnu" -no-global-types xdpport ../bpf/xdp_port.c

package bench

// The bare programs and the generator are compiled by bpf2go; object and
// bindings are committed (see datapath/ebpf/gen.go for the conventions).
//go:generate go tool bpf2go -cc clang -target bpfel -cflags "-O2 -g -Wall -Werror -I/usr/include/x86_64-linux-gnu" -type gen_conf benchprog bpf/bench.c

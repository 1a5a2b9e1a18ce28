# xvs — see README.md. `make check` is what CI runs (as root).
GO       ?= go
BIN      := bin/xvs
PKGS     := ./...
# Seconds each fuzz target runs under `make fuzz` (CI runs only the seed corpus).
FUZZTIME ?= 30s

.PHONY: all build test check deps generate generate-check bench demo fuzz clean need-root

all: build

build:
	$(GO) build -o $(BIN) ./cli/xvs

# Unprivileged: vet and the race detector. Root-only tests skip with a message.
test:
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

# Everything, privileged tests included; installs what the tests need first.
# XVS_STRICT=1 turns every "missing requirement" skip into a failure.
check: need-root deps build
	@tests/lint.sh
	$(GO) vet $(PKGS)
	@$(MAKE) --no-print-directory generate-check
	XVS_STRICT=1 $(GO) test -race -count=1 -timeout 30m $(PKGS)

deps: need-root
	@tests/deps.sh

# Rebuilds generated code (BPF objects and their Go bindings).
generate:
	$(GO) generate $(PKGS)

# Fails when committed generated files differ from what `make generate` makes.
generate-check:
	@tests/generate-check.sh

fuzz:
	@tests/fuzz.sh $(FUZZTIME)

# Benchmarks, run by hand (never in CI); figures go to docs/benchmarks.md.
# Go micro-benchmarks, the OVSDB and ofctl scripts, then the datapath side by
# side (xvs, Linux bridge, bare XDP/TC redirects, Open vSwitch; tests/bench).
bench: need-root deps build
	$(GO) test -run '^$$' -bench . -benchmem ./ofproto/... ./datapath/...
	tests/bench/ovsdb_bench.sh
	tests/bench/ofctl_bench.sh
	$(GO) run ./tests/bench/cmd/xvsbench -xvs $(BIN)

# Bridge br0 with three namespaces on VLANs 10 and 20 (docs/demo.md);
# KEEP=1 leaves it up until `tests/demo/demo.sh stop`.
demo: need-root deps build
	XVS=$(CURDIR)/$(BIN) tests/demo/demo.sh

need-root:
	@[ "$$(id -u)" = 0 ] || { echo "make $(MAKECMDGOALS): needs root (network namespaces, BPF, apt); run it as root"; exit 1; }

clean:
	rm -rf bin

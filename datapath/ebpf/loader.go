package ebpf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"
)

// DefaultPinRoot is where datapaths pin their maps and links by default:
// one directory per datapath below it.
const DefaultPinRoot = "/sys/fs/bpf/xvs"

// objects are the loaded programs and maps of one datapath. The TC and XDP
// objects share every map: the XDP object is loaded with the TC object's
// maps as replacements.
type objects struct {
	tc  tcportObjects
	xdp xdpportObjects
}

func (o *objects) Close() error {
	return errors.Join(o.xdp.Close(), o.tc.Close())
}

// mapsDir and linksDir are the layout of a datapath's pin directory.
func mapsDir(pinDir string) string  { return filepath.Join(pinDir, "maps") }
func linksDir(pinDir string) string { return filepath.Join(pinDir, "links") }

// loadObjects loads the programs. With a pinDir, every shared map is pinned
// by name under pinDir/maps, and maps already pinned there are reused with
// their contents, so a restarted process finds the cached flows. maxFlows
// sizes a new flow cache (0: the C default); a pinned cache keeps its size.
//
// A pinned flow cache of another layout (an older xvs: a per-CPU hash with
// the counters in its values) cannot be reused: with recreate (the process
// that runs the datapath) its pin is removed and the cache starts empty,
// the ports' pinned links moving to the new programs on reattach;
// otherwise (a management handle, which must not pull the cache from
// under a running process) loading fails saying so.
func loadObjects(pinDir string, maxFlows uint32, prealloc, recreate bool, ringBytes uint32) (*objects, error) {
	spec, err := loadTcport()
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if maxFlows > 0 {
		spec.Maps["flows"].MaxEntries = maxFlows
	}
	if prealloc {
		spec.Maps["flows"].Flags &^= unix.BPF_F_NO_PREALLOC
	}

	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	// The upcall ring and its assembly buffers are the process's own.
	if ringBytes > 0 {
		spec.Maps["upcalls"].MaxEntries = ringBytes
	}
	spec.Maps["upcall_bufs"].MaxEntries = uint32(ncpu)
	var maxBits uint32
	if err := spec.Variables["emc_bits"].Get(&maxBits); err != nil {
		return nil, fmt.Errorf("load: emc_bits: %w", err)
	}
	bits := emcBits(ncpu, maxBits)
	spec.Maps["flow_emc"].MaxEntries = 1 << bits
	if err := spec.Variables["emc_bits"].Set(bits); err != nil {
		return nil, fmt.Errorf("load: emc_bits: %w", err)
	}
	emcOn := uint32(0)
	if loadsInOrder {
		emcOn = 1
	}
	if err := spec.Variables["emc_on"].Set(emcOn); err != nil {
		return nil, fmt.Errorf("load: emc_on: %w", err)
	}

	opts := &ebpf.CollectionOptions{}
	if pinDir != "" {
		dir := mapsDir(pinDir)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		if err := checkPinnedFlows(dir, spec.Maps["flows"], spec.Maps["flow_counters"], recreate); err != nil {
			return nil, err
		}
		if err := dropStalePins(dir, spec); err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		if recreate {
			// Earlier builds pinned upcalls (a perf event array): the
			// pin is no one's now.
			if err := os.Remove(filepath.Join(dir, "upcalls")); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("load: remove the old upcalls pin: %w", err)
			}
		}
		for name, m := range spec.Maps {
			// .rodata (emc_bits) is the object's own.
			if processMaps[name] || strings.HasPrefix(name, ".") {
				continue
			}
			m.Pinning = ebpf.PinByName
		}
		opts.Maps.PinPath = dir
	}
	// Every entry of flows names one slot of flow_counters.
	spec.Maps["flow_counters"].MaxEntries = spec.Maps["flows"].MaxEntries
	o := &objects{}
	if err := spec.LoadAndAssign(&o.tc, opts); err != nil {
		return nil, fmt.Errorf("load tc programs: %w", verifierError(err))
	}
	xspec, err := loadXdpport()
	if err != nil {
		o.tc.Close()
		return nil, fmt.Errorf("load: %w", err)
	}
	xspec.Maps["flows"].MaxEntries = spec.Maps["flows"].MaxEntries
	xspec.Maps["flows"].Flags = spec.Maps["flows"].Flags
	xspec.Maps["flow_counters"].MaxEntries = spec.Maps["flows"].MaxEntries
	xspec.Maps["upcalls"].MaxEntries = spec.Maps["upcalls"].MaxEntries
	xspec.Maps["upcall_bufs"].MaxEntries = spec.Maps["upcall_bufs"].MaxEntries
	xspec.Maps["flow_emc"].MaxEntries = spec.Maps["flow_emc"].MaxEntries
	if err := xspec.Variables["emc_bits"].Set(bits); err != nil {
		o.tc.Close()
		return nil, fmt.Errorf("load: emc_bits: %w", err)
	}
	if err := xspec.Variables["emc_on"].Set(emcOn); err != nil {
		o.tc.Close()
		return nil, fmt.Errorf("load: emc_on: %w", err)
	}
	repl := o.sharedMaps()
	// Every map the XDP object declares is the TC object's: one it would
	// create for itself (a map added to the C but not here) would split
	// the state silently, e.g. XDP's hits counted where nobody reads.
	for name := range xspec.Maps {
		// .rodata and the like are the object's own.
		if repl[name] == nil && !strings.HasPrefix(name, ".") {
			o.tc.Close()
			return nil, fmt.Errorf("load xdp program: map %s is not shared with the tc program", name)
		}
	}
	if err := xspec.LoadAndAssign(&o.xdp, &ebpf.CollectionOptions{MapReplacements: repl}); err != nil {
		o.tc.Close()
		return nil, fmt.Errorf("load xdp program: %w", verifierError(err))
	}
	return o, nil
}

// emcBudget bounds the memory of the exact-match cache (flow_emc) over
// all CPUs: an entry is 960 bytes a CPU, so 1,024 entries on 2 CPUs take
// 1.9 MB, and a host with 35 CPUs or more gets 512 entries a CPU or fewer.
const emcBudget = 32 << 20

// emcBits is log2 of flow_emc's entries per CPU on ncpu CPUs: at most
// maxBits (the C side's XVS_EMC_BITS), halved until the cache fits
// emcBudget, at least 64 entries.
func emcBits(ncpu int, maxBits uint32) uint32 {
	size := int(unsafe.Sizeof(tcportEmcEntry{}))
	bits := maxBits
	for bits > 6 && ncpu<<bits*size > emcBudget {
		bits--
	}
	return bits
}

// loadsInOrder says whether this host's CPUs keep loads in order (x86's
// TSO), which flow_emc's generation check relies on (emc.h, emc_on).
const loadsInOrder = runtime.GOARCH == "amd64" || runtime.GOARCH == "386"

// rebuiltMaps are pinned maps whose contents the datapath can do without
// or rebuilds from its port records (reattach): a pin of an earlier build
// with another layout is replaced rather than failing the load (port
// counters restart from zero).
var rebuiltMaps = []string{"port_counters", "ports_direct", "tx_ports"}

// dropStalePins unpins those of rebuiltMaps whose pinned type, key, value
// or size differ from spec's.
func dropStalePins(dir string, spec *ebpf.CollectionSpec) error {
	for _, name := range rebuiltMaps {
		ms := spec.Maps[name]
		path := filepath.Join(dir, name)
		m, err := ebpf.LoadPinnedMap(path, nil)
		if err != nil {
			continue // none pinned (or unreadable: the load reports it)
		}
		same := m.Type() == ms.Type && m.KeySize() == ms.KeySize && m.ValueSize() == ms.ValueSize &&
			m.MaxEntries() == ms.MaxEntries
		m.Close()
		if same {
			continue
		}
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("replace pinned %s: %w", name, err)
		}
	}
	return nil
}

// errIncompatiblePin says the pinned flow cache has another layout.
var errIncompatiblePin = errors.New("pinned flow cache has the layout of another xvs version")

// checkPinnedFlows compares the pinned flow cache, if any (flows and
// flow_counters), with the specs. A compatible one keeps its size and its
// allocation mode (the specs take them). An incompatible one is removed
// with recreate, otherwise reported.
func checkPinnedFlows(dir string, flows, counters *ebpf.MapSpec, recreate bool) error {
	path := filepath.Join(dir, "flows")
	m, err := ebpf.LoadPinnedMap(path, nil)
	if err != nil {
		return nil // none yet (or unreadable: the load says why)
	}
	defer m.Close()
	// Preallocated or not is the pinned cache's choice, as its size is.
	why := ""
	if m.Type() != flows.Type || m.KeySize() != flows.KeySize || m.ValueSize() != flows.ValueSize ||
		(m.Flags()^flows.Flags)&^unix.BPF_F_NO_PREALLOC != 0 {
		why = fmt.Sprintf("%s is a %v of %d-byte values, this xvs needs a %v of %d-byte values",
			path, m.Type(), m.ValueSize(), flows.Type, flows.ValueSize)
	} else if c, err := ebpf.LoadPinnedMap(filepath.Join(dir, "flow_counters"), nil); err != nil {
		why = fmt.Sprintf("%s has no flow_counters beside it", path)
	} else {
		if c.Type() != counters.Type || c.ValueSize() != counters.ValueSize || c.Flags() != counters.Flags || c.MaxEntries() != m.MaxEntries() {
			why = fmt.Sprintf("its flow_counters is a %v of %d %d-byte values (flags %#x), this xvs needs a %v of %d %d-byte values (flags %#x)",
				c.Type(), c.MaxEntries(), c.ValueSize(), c.Flags(), counters.Type, m.MaxEntries(), counters.ValueSize, counters.Flags)
		}
		c.Close()
	}
	if why == "" {
		flows.MaxEntries, flows.Flags = m.MaxEntries(), m.Flags()
		return nil
	}
	if !recreate {
		return fmt.Errorf("load: %w: %s (restart the process that runs the datapath with this xvs, or remove %s)",
			errIncompatiblePin, why, filepath.Dir(dir))
	}
	// The cache starts empty: remove its maps (long_lists holds the old
	// entries' long action lists), the load pins new ones.
	for _, name := range []string{"flows", "flow_counters", "long_lists"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("load: remove the incompatible flow cache: %w", err)
		}
	}
	return nil
}

// sharedMaps are the TC object's maps by name, which the XDP object uses
// in place of its own.
func (o *objects) sharedMaps() map[string]*ebpf.Map {
	return map[string]*ebpf.Map{
		"flows": o.tc.Flows, "long_lists": o.tc.LongLists, "ports_in": o.tc.PortsIn,
		"ports_out": o.tc.PortsOut, "port_counters": o.tc.PortCounters, "dp_stats": o.tc.DpStats,
		"upcalls": o.tc.Upcalls, "meters": o.tc.Meters, "scratch_map": o.tc.ScratchMap,
		"exec_map": o.tc.ExecMap, "tx_ports": o.tc.TxPorts,
		"ports_direct": o.tc.PortsDirect, "flow_counters": o.tc.FlowCounters, "flow_writes": o.tc.FlowWrites,
		"upcall_bufs": o.tc.UpcallBufs, "flow_gen": o.tc.FlowGen, "flow_emc": o.tc.FlowEmc,
		"port_wide": o.tc.PortWide, "wide_counters": o.tc.WideCounters, "wide_base": o.tc.WideBase,
	}
}

// processMaps are not pinned: scratch space, the list Execute runs, the
// upcall ring with its assembly buffers, which only the process that
// loaded the programs reads, and the programs' exact-match cache, which
// starts empty with them.
var processMaps = map[string]bool{"scratch_map": true, "exec_map": true, "upcalls": true, "upcall_bufs": true, "flow_emc": true}

// verifierError keeps the end of a verifier log, where the reason is.
func verifierError(err error) error {
	var ve *ebpf.VerifierError
	if errors.As(err, &ve) {
		return fmt.Errorf("%w (verifier: %+v)", err, ve)
	}
	return err
}

// ensureBPFFS mounts bpffs on /sys/fs/bpf when dir is below it and it is
// not mounted yet (it is not by default).
func ensureBPFFS(dir string) error {
	const root = "/sys/fs/bpf"
	var st unix.Statfs_t
	if err := unix.Statfs(root, &st); err == nil && st.Type == unix.BPF_FS_MAGIC {
		return nil
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || len(rel) >= 2 && rel[:2] == ".." {
		return nil // elsewhere: the caller's responsibility
	}
	if err := unix.Mount("bpf", root, "bpf", 0, "mode=0700"); err != nil && !errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("mount bpffs on %s: %w", root, err)
	}
	return nil
}

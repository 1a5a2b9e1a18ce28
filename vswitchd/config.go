package vswitchd

import (
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/ebpf"
	"github.com/xvs-switch/xvs/internal/rundir"
	"github.com/xvs-switch/xvs/vswitchd/api"
	"github.com/xvs-switch/xvs/vswitchd/vlog"
)

// Version is what `xvs appctl version` prints.
const Version = "xvs vswitchd 0.1 (Open vSwitch compatible: OpenFlow 1.0, 1.3; OVSDB Open_vSwitch 8.3)"

// OVSVersion is what vswitchd writes to Open_vSwitch.ovs_version.
const OVSVersion = "xvs-0.1"

// DefaultPinRoot is the bpffs directory under which each bridge's eBPF
// datapath pins its maps and links (<pin-root>/xvs@BRIDGE).
const DefaultPinRoot = "/sys/fs/bpf/xvs"

// Config configures the daemon. Zero fields take the defaults.
type Config struct {
	// DB is the OVSDB remote ("unix:PATH" or "tcp:IP:PORT"); default
	// unix:<rundir>/db.sock.
	DB string
	// RunDir holds the API socket (vswitchd.sock) and the bridges'
	// management sockets (BRIDGE.mgmt); default rundir.Dir().
	RunDir string
	// PinRoot is the bpffs directory of the eBPF datapaths.
	PinRoot string
	// Log is the base logger; Logs, when set, gives per-module loggers
	// whose levels vlog/set changes. Neither set: nothing is logged.
	Log  *slog.Logger
	Logs *vlog.Set
	// NewDatapath opens (or creates) the datapath of a bridge. Default:
	// the eBPF datapath pinned at <PinRoot>/xvs@BRIDGE. Tests pass an
	// in-memory one.
	NewDatapath func(bridge string) (datapath.Datapath, error)
	// Links reports the netdevs of system ports. Default: rtnetlink when
	// NewDatapath is the default; none otherwise (ports then count as up).
	Links LinkSource
	// Handlers is the number of upcall handler goroutines per bridge
	// (default 2; Open_vSwitch other_config:n-handler-threads overrides
	// it for bridges created after it is set).
	Handlers int
	// RevalidateEvery is the revalidator's period (default 500 ms).
	RevalidateEvery time.Duration
	// StatsEvery is how often Interface.statistics and link states are
	// written back (default 5 s, as Open vSwitch).
	StatsEvery time.Duration
	// StatusEvery is how often Controller status is written back
	// (default 1 s).
	StatusEvery time.Duration
	// Now is the clock handed to ofproto (timeouts, MAC aging); nil: time.Now.
	Now func() time.Time

	// pruneStale removes datapaths left pinned by an earlier process whose
	// bridges the database no longer has; set with the eBPF default.
	pruneStale func(keep map[string]bool)
}

func (c *Config) setDefaults() {
	if c.RunDir == "" {
		c.RunDir = rundir.Dir()
	}
	if c.DB == "" {
		c.DB = "unix:" + filepath.Join(c.RunDir, "db.sock")
	}
	if c.PinRoot == "" {
		c.PinRoot = DefaultPinRoot
	}
	if c.Logs == nil {
		base := slog.DiscardHandler
		if c.Log != nil {
			base = c.Log.Handler()
		}
		c.Logs = vlog.New(base, slog.LevelDebug)
	}
	// Every module exists from the start, so that vlog/set can set one
	// before its first bridge.
	for _, m := range []string{"vswitchd", "bridge", "ofproto", "connmgr", "datapath"} {
		c.Logs.Logger(m)
	}
	if c.NewDatapath == nil {
		// A burst of new flows waits for the handlers instead of being
		// lost: the queue holds 131,072 upcalls (200 bytes each plus the
		// frame; memory is touched only when a burst fills it), a second
		// of the bench's 120,000 new flows/s; the upcall ring before it
		// (upcallRingSize) covers the moments its one reader is not
		// scheduled while the handlers and the traffic have the CPUs.
		const upcallQueue = 131072
		upcallRingPerCPU := upcallRingSize(runtime.NumCPU())
		pinRoot := c.PinRoot
		log := c.Logs.Logger("datapath")
		c.NewDatapath = func(bridge string) (datapath.Datapath, error) {
			name := DatapathName(bridge)
			dp, err := ebpf.New(ebpf.Config{Name: name, PinDir: filepath.Join(pinRoot, name), Logger: log, MaxFlows: defaultFlowLimit,
				UpcallQueue: upcallQueue, PerCPUBuffer: upcallRingPerCPU})
			if err != nil {
				return nil, err // a literal nil, not a typed nil *ebpf.Datapath
			}
			return dp, nil
		}
		if c.Links == nil {
			c.Links = netlinkSource{}
		}
		c.pruneStale = func(keep map[string]bool) { pruneStalePins(pinRoot, keep, log) }
	}
	if c.Handlers <= 0 {
		c.Handlers = 2
	}
	if c.RevalidateEvery <= 0 {
		c.RevalidateEvery = 500 * time.Millisecond
	}
	if c.StatsEvery <= 0 {
		c.StatsEvery = 5 * time.Second
	}
	if c.StatusEvery <= 0 {
		c.StatusEvery = time.Second
	}
}

// pruneStalePins destroys the datapaths pinned under root ("xvs@BRIDGE")
// whose bridge is not in keep: their ports are detached, the devices they
// created removed, the pins deleted.
func pruneStalePins(root string, keep map[string]bool, log *slog.Logger) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range ents {
		br, ok := strings.CutPrefix(e.Name(), "xvs@")
		if !ok || !e.IsDir() || keep[br] {
			continue
		}
		dir := filepath.Join(root, e.Name())
		dp, err := ebpf.New(ebpf.Config{Name: e.Name(), PinDir: dir, Logger: log})
		if err != nil {
			log.Warn("stale datapath not removed", "pins", dir, "err", err)
			continue
		}
		if err := dp.Destroy(); err != nil {
			log.Warn("stale datapath not fully removed", "pins", dir, "err", err)
			continue
		}
		log.Info("stale datapath removed: its bridge is no longer configured", "datapath", e.Name())
	}
}

// SocketPath is the API socket of a daemon with this run directory.
func SocketPath(runDir string) string { return filepath.Join(runDir, api.SocketName) }

// DatapathName names a bridge's datapath, as ovs-dpctl shows "system@ovs-system".
func DatapathName(bridge string) string { return "xvs@" + bridge }

// defaultFlowLimit is Open vSwitch's other_config:flow-limit default.
const defaultFlowLimit = 200000

// upcallRingSize is each CPU's share of the upcall ring (the datapath
// sums the shares into one ring buffer): 4 MiB in all, at least 512 KiB a
// CPU, a power of two. The ring only bridges the moments the reader is
// not scheduled (it moves records to the upcall queue at once, and a
// 64-byte miss takes ~240 bytes, so 4 MiB holds ~17,000); its pages are
// mapped into vswitchd and count in its resident size.
func upcallRingSize(ncpu int) int {
	per := max(4<<20/max(ncpu, 1), 512<<10)
	size := 512 << 10
	for size*2 <= per {
		size *= 2
	}
	return size
}

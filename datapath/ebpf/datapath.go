package ebpf

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"

	"github.com/xvs-switch/xvs/datapath"
)

// Config configures a datapath.
type Config struct {
	// Name identifies the datapath ("xvs@br0"); it names the default pin
	// directory.
	Name string
	// PinDir is where maps and links are pinned. Empty: DefaultPinRoot/Name.
	PinDir string
	// MaxFlows sizes a new flow cache (default 65536). A cache already
	// pinned keeps its size.
	MaxFlows uint32
	// PreallocFlows preallocates a new flow cache: an insert costs about
	// half (docs/benchmarks.md, "Flow cache maps, round 3"), but the
	// kernel reserves ~1 KB × MaxFlows up front (~192 MB at 200,000)
	// instead of as entries come. A cache already pinned keeps its mode.
	PreallocFlows bool
	// UpcallQueue is the Upcalls channel's capacity (default 4096).
	UpcallQueue int
	// PerCPUBuffer sizes the upcall ring: this many bytes for each
	// possible CPU, the sum rounded up to a power of two (the one ring
	// is shared by every CPU). The default makes it hold about
	// UpcallQueue upcalls of 512 bytes, so that the queue bounds what
	// waits for a slow consumer.
	PerCPUBuffer int
	Logger       *slog.Logger
	// Manage opens a management handle (dpctl) on a datapath that another
	// process runs: no upcall reader (that would take the upcall ring
	// over) and the pinned port links are left as they are.
	Manage bool
}

// Datapath is the eBPF datapath. It implements datapath.Datapath.
type Datapath struct {
	name   string
	pinDir string
	log    *slog.Logger

	objs     *objects
	flows    *flowTable
	ports    *portTable
	counters *counterTable
	meters   *meterTable

	reader   *ringbuf.Reader
	upcalls  chan datapath.Upcall
	userLost atomic.Uint64 // upcalls dropped in userspace (full channel, lost samples)

	execMu   sync.Mutex // serialises use of exec_map
	execLast execLast   // what exec_map holds (exec.go); under execMu

	// opMu guards the loaded objects' lifetime: every operation holds it
	// shared (enter/leave) and Close holds it exclusively, so nothing runs
	// on closed maps. It also protects closed.
	opMu   sync.RWMutex
	closed bool

	mu    sync.Mutex // serialises port changes; protects links
	links map[uint32][]link.Link

	readerDone chan struct{} // closed when readUpcalls returns
}

var _ datapath.Datapath = (*Datapath)(nil)

// New loads the datapath, reusing the maps and port links pinned under its
// pin directory by an earlier process: cached flows kept forwarding while
// no process ran, and carry on.
func New(cfg Config) (*Datapath, error) {
	if cfg.Name == "" {
		cfg.Name = "xvs"
	}
	if cfg.PinDir == "" {
		cfg.PinDir = filepath.Join(DefaultPinRoot, strings.ReplaceAll(cfg.Name, "/", "_"))
	}
	if cfg.UpcallQueue <= 0 {
		cfg.UpcallQueue = 4096
	}
	if cfg.PerCPUBuffer <= 0 {
		n, err := ebpf.PossibleCPU()
		if err != nil || n < 1 {
			n = 1
		}
		cfg.PerCPUBuffer = max(os.Getpagesize(), cfg.UpcallQueue*512/n)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// The queue first, before loading the objects leaves garbage: a
	// large allocation that overlaps memory the heap used before is
	// zeroed at once, and all its pages become resident (vswitchd's
	// 131,072 upcalls are 25 MB, meant to be touched only by a burst).
	// Fresh memory needs no zeroing.
	upcalls := make(chan datapath.Upcall, cfg.UpcallQueue)
	if err := ensureBPFFS(cfg.PinDir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(linksDir(cfg.PinDir), 0o700); err != nil {
		return nil, fmt.Errorf("datapath: %w", err)
	}
	objs, err := loadObjects(cfg.PinDir, cfg.MaxFlows, cfg.PreallocFlows, !cfg.Manage, ringSize(cfg.PerCPUBuffer, cfg.Manage))
	if err != nil {
		return nil, err
	}
	d := &Datapath{
		name:     cfg.Name,
		pinDir:   cfg.PinDir,
		log:      cfg.Logger,
		objs:     objs,
		counters: &counterTable{m: objs.tc.DpStats},
		meters:   &meterTable{m: objs.tc.Meters},
		upcalls:  upcalls,
		links:    map[uint32][]link.Link{},
	}
	if d.flows, err = newFlowTable(objs.tc.Flows, objs.tc.FlowCounters, objs.tc.LongLists, objs.tc.FlowWrites, objs.tc.FlowGen, objs.tc.PortWide, objs.tc.WideCounters, objs.tc.WideBase, cfg.Manage); err != nil {
		objs.Close()
		return nil, err
	}
	// The process that runs the datapath pairs the clocks now; a
	// management handle (dpctl) only when it first converts a time, so
	// that commands printing none (show, add-if) do not wait 20-30 ms.
	if !cfg.Manage {
		if _, err := d.kernelClock(); err != nil {
			d.flows.close()
			objs.Close()
			return nil, err
		}
	}
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		d.flows.close()
		objs.Close()
		return nil, err
	}
	d.counters.ncpu = ncpu
	d.ports = &portTable{in: objs.tc.PortsIn, out: objs.tc.PortsOut, counters: objs.tc.PortCounters, direct: objs.tc.PortsDirect, tx: objs.tc.TxPorts, ncpu: ncpu}
	if cfg.Manage {
		close(d.upcalls)
		return d, nil
	}
	if err := d.reattach(); err != nil {
		d.flows.close()
		objs.Close()
		return nil, err
	}
	d.reader, err = ringbuf.NewReader(objs.tc.Upcalls)
	if err != nil {
		d.closeLinks()
		d.flows.close()
		objs.Close()
		return nil, fmt.Errorf("datapath: upcall reader: %w", err)
	}
	d.readerDone = make(chan struct{})
	go d.readUpcalls(d.reader)
	return d, nil
}

// Open opens a management handle on the datapath pinned under pinDir (for
// dpctl): flows, ports, meters and counters, without taking the upcalls
// over from the process that runs it. A restarting process uses New.
func Open(pinDir string) (*Datapath, error) {
	if _, err := os.Stat(filepath.Join(mapsDir(pinDir), "flows")); err != nil {
		return nil, fmt.Errorf("no datapath at %s: %w", pinDir, err)
	}
	return New(Config{Name: filepath.Base(pinDir), PinDir: pinDir, Manage: true})
}

// Name implements datapath.Datapath.
func (d *Datapath) Name() string { return d.name }

// PinDir returns the directory holding the pinned maps and links.
func (d *Datapath) PinDir() string { return d.pinDir }

// Close stops the upcall reader and releases the process's handles. The
// pinned maps and links stay, so cached flows keep forwarding. Order: the
// reader first (it owns the Upcalls channel and closes it), then links
// (pinned, so closing the handle does not detach), then maps and programs.
func (d *Datapath) Close() error {
	d.opMu.RLock()
	closed := d.closed
	d.opMu.RUnlock()
	if closed {
		return nil
	}
	var err error
	if d.reader != nil {
		// The reader may be executing an internal upcall: let it finish
		// (it holds opMu shared meanwhile) before taking opMu.
		err = d.reader.Close()
		<-d.readerDone
	}
	d.opMu.Lock()
	defer d.opMu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	d.closeLinks()
	d.flows.close()
	return errors.Join(err, d.objs.Close())
}

// Destroy detaches every port, removes the devices the datapath created
// and the pinned state, then closes: the opposite of New.
func (d *Datapath) Destroy() error {
	if err := d.enter(); err != nil {
		return err
	}
	recs, err := d.ports.list()
	d.leave()
	errs := []error{err}
	for _, r := range recs {
		errs = append(errs, d.DeletePort(r.number))
	}
	errs = append(errs, d.Close())
	errs = append(errs, os.RemoveAll(d.pinDir))
	return errors.Join(errs...)
}

func (d *Datapath) closeLinks() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for n, ls := range d.links {
		for _, l := range ls {
			l.Close()
		}
		delete(d.links, n)
	}
}

// enter starts an operation; a nil error must be paired with leave.
func (d *Datapath) enter() error {
	d.opMu.RLock()
	if d.closed {
		d.opMu.RUnlock()
		return datapath.ErrClosed
	}
	return nil
}

func (d *Datapath) leave() { d.opMu.RUnlock() }

// Put implements datapath.Datapath.
func (d *Datapath) Put(key datapath.FlowKey, actions []datapath.Action, flags datapath.PutFlags) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	p, err := d.encodePut(key, actions, flags)
	if err != nil {
		return err
	}
	return d.flows.put(&p)
}

// encodePut checks and encodes one put.
func (d *Datapath) encodePut(key datapath.FlowKey, actions []datapath.Action, flags datapath.PutFlags) (flowPut, error) {
	bk, err := keyToBPF(key)
	if err != nil {
		return flowPut{}, err
	}
	e, err := encodeActions(key, actions)
	if err != nil {
		return flowPut{}, err
	}
	if e.fast.Flags&flowXDPSlow == 0 && d.needsSKB(actions) {
		e.fast.Flags |= flowXDPSlow
	}
	p := flowPut{key: key, bk: bk, e: e, flags: flags}
	if out, ok := datapath.PortWideOutput(actions); ok && flags&datapath.PutPortWide != 0 &&
		e.fast.Flags&(flowSlowPath|flowUserspace) == 0 &&
		key.InPort != 0 && key.InPort <= maxPorts && out != 0 && out <= maxPorts {
		p.wideOut = out
	}
	return p, nil
}

// needsSKB reports whether list outputs to a port that XDP cannot reach.
func (d *Datapath) needsSKB(list []datapath.Action) bool {
	for _, a := range list {
		o, ok := a.(datapath.Output)
		if !ok {
			continue
		}
		if d.ports.needsSKB(o.Port) {
			return true
		}
	}
	return false
}

// Get implements datapath.Datapath.
func (d *Datapath) Get(key datapath.FlowKey) (datapath.Flow, error) {
	if err := d.enter(); err != nil {
		return datapath.Flow{}, err
	}
	defer d.leave()
	return d.get(key)
}

func (d *Datapath) get(key datapath.FlowKey) (datapath.Flow, error) {
	bk, err := keyToBPF(key)
	if err != nil {
		return datapath.Flow{}, datapath.ErrNoSuchFlow
	}
	v, st, err := d.flows.get(key, &bk)
	if err != nil {
		return datapath.Flow{}, err
	}
	now, err := d.clockNow()
	if err != nil {
		return datapath.Flow{}, err
	}
	return d.flow(key, &bk, &v, &st, now)
}

// flow builds a datapath.Flow from an entry and its counters.
func (d *Datapath) flow(fk datapath.FlowKey, k *bpfKey, v *tcportFlowEntry, st *tcportFlowStats, now clockNow) (datapath.Flow, error) {
	f := datapath.Flow{Key: fk, Mask: datapath.ExactMask()}
	if d.flows.wide.holds(fk.InPort, v.Slot) {
		f.Mask = datapath.PortMask()
	}
	var long *tcportLongActions
	if readsLong(&v.Acts) {
		long = new(tcportLongActions)
		if err := d.flows.long.Lookup(k, long); err != nil {
			long = nil
		}
	}
	acts, err := decodeActions(&v.Acts, long)
	if err != nil {
		return f, err
	}
	f.Actions = acts
	f.SlowPath = v.Acts.Flags&(flowSlowPath|flowUserspace) != 0
	f.Stats = now.stats(st)
	return f, nil
}

// Delete implements datapath.Datapath.
func (d *Datapath) Delete(key datapath.FlowKey) (datapath.FlowStats, error) {
	if err := d.enter(); err != nil {
		return datapath.FlowStats{}, err
	}
	defer d.leave()
	bk, err := keyToBPF(key)
	if err != nil {
		return datapath.FlowStats{}, datapath.ErrNoSuchFlow
	}
	// Paired before the delete (the step that can fail), read after
	// it, as the counters are.
	k, err := d.kernelClock()
	if err != nil {
		return datapath.FlowStats{}, err
	}
	st, err := d.flows.delete(key, &bk)
	if err != nil {
		return datapath.FlowStats{}, err
	}
	return k.now().stats(&st), nil
}

// Dump implements datapath.Datapath. It reads the entries in batches
// (BPF_MAP_LOOKUP_BATCH, or by key where the kernel cannot) and their
// counters from flow_counters.
func (d *Datapath) Dump(batch int, fn func([]datapath.Flow) error) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	if batch <= 0 {
		batch = datapath.DefaultDumpBatch
	}
	if err := d.flows.sync(); err != nil {
		return err
	}
	now, err := d.clockNow()
	if err != nil {
		return err
	}
	out := make([]datapath.Flow, 0, batch)
	err = d.flows.dump(func(fks []datapath.FlowKey, keys []bpfKey, vals []tcportFlowEntry, st []tcportFlowStats) error {
		for i := range keys {
			f, err := d.flow(fks[i], &keys[i], &vals[i], &st[i], now)
			if err != nil {
				return err
			}
			out = append(out, f)
			if len(out) == batch {
				if err := fn(out); err != nil {
					return err
				}
				out = make([]datapath.Flow, 0, batch)
			}
		}
		return nil
	})
	if err == nil && len(out) > 0 {
		return fn(out)
	}
	return err
}

// Flush implements datapath.Datapath.
func (d *Datapath) Flush() error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	return d.flows.flush()
}

// Upcalls implements datapath.Datapath.
func (d *Datapath) Upcalls() <-chan datapath.Upcall { return d.upcalls }

// Execute implements datapath.Datapath.
func (d *Datapath) Execute(frame []byte, inPort uint32, actions []datapath.Action) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	if err := datapath.ValidateActions(actions); err != nil {
		return err
	}
	return d.execute(frame, inPort, actions)
}

// SetMeter implements datapath.Datapath.
func (d *Datapath) SetMeter(id uint32, cfg datapath.MeterConfig) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	return d.meters.set(id, cfg)
}

// DeleteMeter implements datapath.Datapath.
func (d *Datapath) DeleteMeter(id uint32) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	return d.meters.delete(id)
}

// MeterStats implements datapath.Datapath.
func (d *Datapath) MeterStats(id uint32) (datapath.MeterStats, error) {
	if err := d.enter(); err != nil {
		return datapath.MeterStats{}, err
	}
	defer d.leave()
	return d.meters.stats(id)
}

// Stats implements datapath.Datapath.
func (d *Datapath) Stats() (datapath.Stats, error) {
	if err := d.enter(); err != nil {
		return datapath.Stats{}, err
	}
	defer d.leave()
	c, err := d.counters.read()
	if err != nil {
		return datapath.Stats{}, err
	}
	if err := d.flows.sync(); err != nil {
		return datapath.Stats{}, err
	}
	// Packets a port-wide entry took count only in wide_counters: the
	// ports' and the removed ports' (under mu, which a port's removal
	// holds from its leaving the list to its counts' move).
	d.mu.Lock()
	recs, err := d.ports.list()
	if err != nil {
		d.mu.Unlock()
		return datapath.Stats{}, err
	}
	nums := make([]uint32, len(recs))
	for i, r := range recs {
		nums[i] = r.number
	}
	wideHits, err := d.flows.wide.hits(nums)
	d.mu.Unlock()
	if err != nil {
		return datapath.Stats{}, err
	}
	return datapath.Stats{
		Hit:      c[dpHit] + wideHits,
		Missed:   c[dpMissed],
		Lost:     c[dpLost] + d.userLost.Load(),
		SlowPath: c[dpSlowPath],
		Flows:    d.flows.count(),
		MaxFlows: uint64(d.flows.m.MaxEntries()),
	}, nil
}

// PutBatch implements datapath.Datapath: runs of new entries go in with one
// BPF_MAP_UPDATE_BATCH each, the others as Put.
func (d *Datapath) PutBatch(puts []datapath.FlowPut) []error {
	errs := make([]error, len(puts))
	if err := d.enter(); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	defer d.leave()
	// The encodings (~1 KB a put) are scratch: pooled, so a stream of
	// batches makes no garbage of them.
	bp := encPool.Get().(*[]flowPut)
	enc := slices.Grow((*bp)[:0], len(puts))[:len(puts)]
	for i := range puts {
		enc[i], errs[i] = d.encodePut(puts[i].Key, puts[i].Actions, puts[i].Flags)
	}
	d.flows.putBatch(enc, errs)
	*bp = enc
	encPool.Put(bp)
	return errs
}

var encPool = sync.Pool{New: func() any { return new([]flowPut) }}

// DeleteBatch implements datapath.Datapath with BPF_MAP_DELETE_BATCH.
func (d *Datapath) DeleteBatch(keys []datapath.FlowKey) ([]datapath.FlowStats, []error) {
	if err := d.enter(); err != nil {
		errs := make([]error, len(keys))
		for i := range errs {
			errs[i] = err
		}
		return make([]datapath.FlowStats, len(keys)), errs
	}
	defer d.leave()
	bks := make([]bpfKey, len(keys))
	valid := make([]bool, len(keys))
	for i := range keys {
		var err error
		bks[i], err = keyToBPF(keys[i])
		valid[i] = err == nil
	}
	k, err := d.kernelClock()
	if err != nil {
		errs := make([]error, len(keys))
		for i := range errs {
			errs[i] = err
		}
		return make([]datapath.FlowStats, len(keys)), errs
	}
	st, errs := d.flows.deleteBatch(keys, bks, valid)
	now := k.now()
	stats := make([]datapath.FlowStats, len(keys))
	for i := range st {
		if errs[i] == nil {
			stats[i] = now.stats(&st[i])
		}
	}
	return stats, errs
}

// DumpStats implements datapath.Datapath: it reads flow_counters (32 bytes
// an entry) and the userspace mirror of the slots, never the actions.
func (d *Datapath) DumpStats(batch int, fn func([]datapath.FlowKey, []datapath.FlowStats) error) error {
	if err := d.enter(); err != nil {
		return err
	}
	defer d.leave()
	if batch <= 0 {
		batch = datapath.DefaultDumpBatch
	}
	if err := d.flows.sync(); err != nil {
		return err
	}
	k, err := d.kernelClock()
	if err != nil {
		return err
	}
	return d.flows.dumpStats(batch, k, fn)
}

// ringSize is the upcall ring's size for perCPU bytes a possible CPU: a
// power of two of at least a page (the kernel's rule for ring buffers),
// at most 1 GiB. A management handle reads no upcalls: its programs,
// never attached, get a ring of one page.
func ringSize(perCPU int, manage bool) uint32 {
	page := os.Getpagesize()
	n, err := ebpf.PossibleCPU()
	if err != nil || n < 1 {
		n = 1
	}
	want := perCPU * n
	if manage || want < page {
		want = page
	}
	size := page
	for size < want && size < 1<<30 {
		size <<= 1
	}
	return uint32(size)
}

package dptest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
)

// Config says what datapath a scenario needs.
type Config struct {
	Ports       int // ports to attach
	MaxFlows    int // cache limit; 0: the implementation's default
	UpcallQueue int // upcalls buffered before Lost counts; 0: default. The lost scenario asks for a small one.
}

// Env is one datapath under test with its ports.
type Env struct {
	DP    datapath.Datapath
	Ports []uint32 // datapath numbers of the Config.Ports ports
	// Inject sends a frame into the datapath as if it arrived on port.
	Inject func(port uint32, frame []byte) error
	// Receive returns the next frame the datapath transmitted on port, or
	// ctx's error. It must return only what the datapath sent: a harness
	// over real devices filters the host's own traffic (IPv6 ND, the
	// frames it injected itself).
	Receive func(ctx context.Context, port uint32) ([]byte, error)
	// Quiet is how long to wait before concluding that no frame or upcall
	// is coming (20ms when zero; the dummy delivers synchronously).
	Quiet time.Duration
	// Timeout bounds the wait for a frame or upcall that must come (5s
	// when zero).
	Timeout time.Duration
}

// Harness creates datapaths for the suite.
type Harness struct {
	// New returns a fresh datapath with cfg.Ports ports attached and
	// registers its teardown with t.Cleanup.
	New func(t *testing.T, cfg Config) *Env
	// CanInject, if set, says whether a frame can reach the datapath
	// through Env.Inject at all, and if not why: a harness over real
	// devices cannot carry frames the kernel drops before any hook (a
	// VLAN type with a cut tag). Scenarios skip such frames with the
	// reason. Nil: every frame can be injected.
	CanInject func(frame []byte) (ok bool, reason string)
}

// skipUninjectable skips t when the harness cannot inject frame.
func (h Harness) skipUninjectable(t *testing.T, frame []byte) {
	t.Helper()
	if h.CanInject == nil {
		return
	}
	if ok, why := h.CanInject(frame); !ok {
		t.Skipf("the harness cannot inject this frame: %s", why)
	}
}

// Run runs every scenario against the harness.
func Run(t *testing.T, h Harness) {
	scenarios := []struct {
		name string
		fn   func(t *testing.T, h Harness)
	}{
		{"MissUpcall", testMissUpcall},
		{"PutHitForwards", testPutHit},
		{"Keys", testKeys},
		{"Flood", testFlood},
		{"Actions", testActions},
		{"MultiOutputEdits", testMultiOutputEdits},
		{"UserspaceAction", testUserspaceAction},
		{"InvalidTTL", testInvalidTTL},
		{"SlowPath", testSlowPath},
		{"LongActionList", testLongList},
		{"MeterDrop", testMeterDrop},
		{"MeterRemark", testMeterRemark},
		{"PutFlags", testPutFlags},
		{"PutInvalid", testPutInvalid},
		{"DeleteFlush", testDeleteFlush},
		{"Dump", testDump},
		{"MaxFlows", testMaxFlows},
		{"LostUpcalls", testLost},
		{"Execute", testExecute},
		{"CountersExact", testCountersExact},
		{"Ports", testPorts},
		{"PutBatch", testPutBatch},
		{"PutBatchFull", testPutBatchFull},
		{"DeleteBatch", testDeleteBatch},
		{"DumpStats", testDumpStats},
		{"ReuseZero", testReuseZero},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) { s.fn(t, h) })
	}
}

func (e *Env) quiet() time.Duration {
	if e.Quiet > 0 {
		return e.Quiet
	}
	return 20 * time.Millisecond
}

func (e *Env) timeout() time.Duration {
	if e.Timeout > 0 {
		return e.Timeout
	}
	return 5 * time.Second
}

// inject fails the test if the frame cannot be injected.
func (e *Env) inject(t *testing.T, port uint32, frame []byte) {
	t.Helper()
	if err := e.Inject(port, frame); err != nil {
		t.Fatalf("inject on port %d: %v", port, err)
	}
}

// recv returns the next frame transmitted on port or fails the test.
func (e *Env) recv(t *testing.T, port uint32) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout())
	defer cancel()
	f, err := e.Receive(ctx, port)
	if err != nil {
		t.Fatalf("receive on port %d: %v", port, err)
	}
	return f
}

// noFrame fails the test if port transmits a frame within Quiet.
func (e *Env) noFrame(t *testing.T, port uint32) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e.quiet())
	defer cancel()
	f, err := e.Receive(ctx, port)
	if err == nil {
		t.Fatalf("port %d transmitted an unexpected frame: %x", port, f)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("receive on port %d: %v", port, err)
	}
}

// upcall returns the next upcall or fails the test.
func (e *Env) upcall(t *testing.T) datapath.Upcall {
	t.Helper()
	select {
	case u, ok := <-e.DP.Upcalls():
		if !ok {
			t.Fatal("upcall channel closed")
		}
		return u
	case <-time.After(e.timeout()):
		t.Fatal("no upcall")
	}
	panic("unreachable")
}

// noUpcall fails the test if an upcall arrives within Quiet.
func (e *Env) noUpcall(t *testing.T) {
	t.Helper()
	select {
	case u := <-e.DP.Upcalls():
		t.Fatalf("unexpected upcall %v on port %d: %x", u.Reason, u.InPort, u.Frame)
	case <-time.After(e.quiet()):
	}
}

// drainUpcalls counts the upcalls that arrive until Quiet passes without one.
func (e *Env) drainUpcalls() int {
	n := 0
	for {
		select {
		case <-e.DP.Upcalls():
			n++
		case <-time.After(e.quiet()):
			return n
		}
	}
}

func (e *Env) stats(t *testing.T) datapath.Stats {
	t.Helper()
	s, err := e.DP.Stats()
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	return s
}

func (e *Env) put(t *testing.T, k datapath.FlowKey, acts ...datapath.Action) {
	t.Helper()
	if err := e.DP.Put(k, acts, 0); err != nil {
		t.Fatalf("put %v actions:%s: %v", k, datapath.FormatActions(acts), err)
	}
}

func (e *Env) portStats(t *testing.T, port uint32) datapath.PortStats {
	t.Helper()
	ps, err := e.DP.Ports()
	if err != nil {
		t.Fatalf("ports: %v", err)
	}
	for _, p := range ps {
		if p.Number == port {
			return p.Stats
		}
	}
	t.Fatalf("port %d not listed", port)
	return datapath.PortStats{}
}

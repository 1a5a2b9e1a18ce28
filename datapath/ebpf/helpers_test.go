package ebpf

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/packet"
	"github.com/xvs-switch/xvs/internal/testenv"
)

// testPinDir returns a fresh pin directory under bpffs, removed at cleanup.
func testPinDir(t testing.TB) string {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	dir := filepath.Join("/sys/fs/bpf", "xbp-"+hex.EncodeToString(b))
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// newTestDatapath loads a datapath with its own pinned maps. Ports are not
// attached: tests drive the programs with BPF_PROG_RUN, whose packets come
// from the loopback device (ifindex 1), mapped here to port inPort.
func newTestDatapath(t testing.TB) *Datapath {
	t.Helper()
	testenv.RequireRoot(t)
	d, err := New(Config{Name: "xbp-test", PinDir: testPinDir(t), MaxFlows: 1024})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

const (
	inPort  = 7
	outPort = 9
	loIndex = 1
)

// fakePorts maps the loopback device to inPort (so test runs arrive there)
// and outPort to the loopback device, without attaching anything to it.
func fakePorts(t testing.TB, d *Datapath) {
	t.Helper()
	if err := d.ports.in.Update(uint32(loIndex), &tcportPortInfo{PortNo: inPort}, ebpf.UpdateAny); err != nil {
		t.Fatal(err)
	}
	if err := d.ports.claimSlot(loIndex, inPort); err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint32{inPort, outPort} {
		out := tcportPortOut{Ifindex: loIndex}
		if err := d.ports.out.Update(n, &out, ebpf.UpdateAny); err != nil {
			t.Fatal(err)
		}
		if err := d.ports.tx.Update(n, uint32(loIndex), ebpf.UpdateAny); err != nil {
			t.Fatal(err)
		}
	}
}

// hook is one of the two ingress programs.
type hook struct {
	name     string
	prog     func(d *Datapath) *ebpf.Program
	redirect uint32 // the verdict of a redirect
	drop     uint32
}

var (
	tcHook  = hook{"tc", func(d *Datapath) *ebpf.Program { return d.objs.tc.XvsTcIngress }, 7, 2}
	xdpHook = hook{"xdp", func(d *Datapath) *ebpf.Program { return d.objs.xdp.XvsXdpIngress }, 4, 1}
	hooks   = []hook{tcHook, xdpHook}
)

// run runs a program on frame and returns the verdict and the frame after.
func run(t *testing.T, p *ebpf.Program, frame []byte) (uint32, []byte) {
	t.Helper()
	out := make([]byte, len(frame)+256)
	ret, err := p.Run(&ebpf.RunOptions{Data: frame, DataOut: out})
	if err != nil {
		t.Fatalf("prog run: %v", err)
	}
	return ret, out
}

// runOut runs and trims the output to its length.
func runOut(t *testing.T, p *ebpf.Program, frame []byte) (uint32, []byte) {
	t.Helper()
	out := make([]byte, len(frame)+256)
	opts := &ebpf.RunOptions{Data: frame, DataOut: out}
	ret, err := p.Run(opts)
	if err != nil {
		t.Fatalf("prog run: %v", err)
	}
	return ret, opts.DataOut
}

// nextUpcall waits for one upcall.
func nextUpcall(t *testing.T, d *Datapath) datapath.Upcall {
	t.Helper()
	select {
	case u, ok := <-d.Upcalls():
		if !ok {
			t.Fatal("upcall channel closed")
		}
		return u
	case <-time.After(5 * time.Second):
		t.Fatal("no upcall within 5s")
	}
	return datapath.Upcall{}
}

// noUpcall checks that no upcall is pending.
func noUpcall(t *testing.T, d *Datapath) {
	t.Helper()
	select {
	case u := <-d.Upcalls():
		t.Fatalf("unexpected upcall %v on port %d", u.Reason, u.InPort)
	default:
	}
}

func datapathKey(t *testing.T, frame []byte, port uint32) datapath.FlowKey {
	t.Helper()
	return packet.Extract(frame, port)
}

// pinCPU keeps the calling goroutine on its thread and the thread on cpu
// until the returned function restores both.
func pinCPU(tb testing.TB, cpu int) func() {
	tb.Helper()
	runtime.LockOSThread()
	var prev, one unix.CPUSet
	if err := unix.SchedGetaffinity(0, &prev); err != nil {
		runtime.UnlockOSThread()
		tb.Fatal(err)
	}
	one.Set(cpu)
	if err := unix.SchedSetaffinity(0, &one); err != nil {
		runtime.UnlockOSThread()
		tb.Fatal(err)
	}
	return func() {
		unix.SchedSetaffinity(0, &prev)
		runtime.UnlockOSThread()
	}
}

// oneFlow is a test datapath with its fake ports and one cached flow, a
// 64-byte UDP frame's, with one output; and hook h's program.
func oneFlow(t testing.TB, h hook) (*Datapath, *ebpf.Program, []byte, datapath.FlowKey) {
	t.Helper()
	d, prog := hookDatapath(t, h)
	frame := udp64(t)
	key := packet.Extract(frame, inPort)
	if err := d.Put(key, []datapath.Action{datapath.Output{Port: outPort}}, 0); err != nil {
		t.Fatal(err)
	}
	return d, prog, frame, key
}

// hookDatapath is a test datapath with its fake ports, and hook h's
// program.
func hookDatapath(t testing.TB, h hook) (*Datapath, *ebpf.Program) {
	t.Helper()
	d := newTestDatapath(t)
	fakePorts(t, d)
	return d, h.prog(d)
}

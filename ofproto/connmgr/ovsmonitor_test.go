package connmgr

// The real `ovs-ofctl monitor`, started so that a test knows when it
// listens. Before its print loop, ovs-ofctl runs request/barrier
// transactions of its own (GET_CONFIG, SET_CONFIG and a barrier for the
// miss_send_len argument, then NXT_SET_PACKET_IN_FORMAT), and while it
// waits for a reply it discards every other message it receives
// (vconn_recv_xid() in Open vSwitch's lib/vconn.c). A packet-in the switch
// sends in that window is lost without a trace, which a loaded machine
// widens from microseconds to seconds. With --detach, the command's first
// process exits only once the daemon has created its control socket,
// that is after every one of those transactions: its exit is the event
// after which each message the switch sends gets printed.

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// monitorTimeout bounds each wait on ovs-ofctl monitor. It is generous
// (CI runs on two loaded cores): it only runs out if the feature is broken.
const monitorTimeout = 60 * time.Second

// ovsMonitor is a running `ovs-ofctl monitor` daemon and what it printed.
type ovsMonitor struct {
	t     testing.TB
	mu    sync.Mutex
	lines []string      // mu protects lines
	more  chan struct{} // signalled (without blocking) when a line arrives
	done  chan struct{} // closed when the output pipe reaches EOF
}

// startOVSMonitor runs `ovs-ofctl <args...>` (a monitor command) as a
// daemon and returns once it is in its print loop. Cleanup kills it.
func startOVSMonitor(t testing.TB, args ...string) *ovsMonitor {
	t.Helper()
	dir := t.TempDir()
	pidfile := filepath.Join(dir, "ovs-ofctl.pid")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() }) // after the daemon is killed (cleanups run last first)
	m := &ovsMonitor{t: t, more: make(chan struct{}, 1), done: make(chan struct{})}
	// The daemon prints messages on stderr, which it keeps across
	// --detach (daemon_save_fd); stdout goes to /dev/null then.
	cmd := exec.Command("ovs-ofctl", append([]string{"--detach", "--no-chdir", "--pidfile=" + pidfile,
		"--unixctl=" + filepath.Join(dir, "ovs-ofctl.ctl")}, args...)...)
	cmd.Stdout, cmd.Stderr = w, w // *os.File: Wait does not wait for the daemon's copy of w
	cmd.Env = append(os.Environ(), "OVS_RUNDIR="+dir)
	if err := cmd.Start(); err != nil {
		w.Close()
		t.Fatal(err)
	}
	w.Close()
	go m.read(r)

	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			// No daemon is left to hold the pipe: read to its end.
			select {
			case <-m.done:
			case <-time.After(monitorTimeout):
			}
			t.Fatalf("ovs-ofctl %s: %v\n%s", strings.Join(args, " "), err, m.output())
		}
	case <-time.After(monitorTimeout):
		cmd.Process.Kill()
		t.Fatalf("ovs-ofctl %s did not detach within %v:\n%s", strings.Join(args, " "), monitorTimeout, m.output())
	}
	// The daemon wrote its pidfile before it signalled startup.
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("ovs-ofctl monitor's pidfile: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		t.Fatalf("ovs-ofctl monitor's pidfile holds %q", b)
	}
	// Should the test process die instead, the daemon exits as soon as the
	// switch's socket closes under it (a receive error is fatal to it).
	t.Cleanup(func() {
		syscall.Kill(pid, syscall.SIGKILL)
		// Its end of the pipe closes when it is gone.
		select {
		case <-m.done:
		case <-time.After(monitorTimeout):
			t.Errorf("ovs-ofctl monitor (pid %d) did not exit", pid)
		}
	})
	return m
}

func (m *ovsMonitor) read(r *os.File) {
	defer close(m.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m.mu.Lock()
		m.lines = append(m.lines, sc.Text())
		m.mu.Unlock()
		select {
		case m.more <- struct{}{}:
		default:
		}
	}
}

// output is everything printed so far.
func (m *ovsMonitor) output() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.Join(m.lines, "\n")
}

// waitLine waits for a printed line that contains every one of want and
// returns it.
func (m *ovsMonitor) waitLine(want ...string) string {
	m.t.Helper()
	timeout := time.After(monitorTimeout)
	for seen := 0; ; {
		m.mu.Lock()
		lines := m.lines
		m.mu.Unlock()
		for ; seen < len(lines); seen++ {
			if containsAll(lines[seen], want) {
				return lines[seen]
			}
		}
		select {
		case <-m.more:
		case <-m.done: // every line is in now
			m.mu.Lock()
			n := len(m.lines)
			m.mu.Unlock()
			if seen == n {
				m.t.Fatalf("ovs-ofctl monitor exited without printing %q:\n%s", want, m.output())
			}
		case <-timeout:
			m.t.Fatalf("ovs-ofctl monitor printed no line with %q in %v:\n%s", want, monitorTimeout, m.output())
		}
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

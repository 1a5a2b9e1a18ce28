package system

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/xvs-switch/xvs/tests/netns"
)

// VM is a network namespace standing for a virtual machine: one veth whose
// inner end (eth0) has an address and whose host end (Port) can be a
// bridge port.
type VM struct {
	*netns.NS
	e    *Env
	Port string // the veth's host end: the bridge port and Interface name
	MAC  string
	IP   string // eth0's address, without the prefix length
}

// NewVM creates a namespace with eth0 at ip (CIDR) and a random locally
// administered MAC; its host end is not on any bridge yet.
func (e *Env) NewVM(cidr string) *VM {
	e.t.Helper()
	name := netns.Unique("xs")
	ns := netns.New(e.t, name)
	// No IPv6: its autonomous chatter (DAD, router solicitations, MLD)
	// would teach the switch MACs behind the tests' backs.
	ns.Run(e.t, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
	mac := randomMAC()
	ns.Veth(e.t, name, "eth0", mac, cidr)
	if e.ovs {
		// OVS's userspace datapath cannot pass TSO/GSO superframes
		// between veths.
		ns.Run(e.t, "ethtool", "-K", "eth0", "tx", "off", "tso", "off", "gso", "off")
	}
	ip, _, _ := strings.Cut(cidr, "/")
	return &VM{NS: ns, e: e, Port: name, MAC: mac, IP: ip}
}

// AddVM creates a VM and adds its host end to br; portArgs are ovs-vsctl
// add-port's column settings (e.g. "tag=10").
func (e *Env) AddVM(br, cidr string, portArgs ...string) *VM {
	e.t.Helper()
	vm := e.NewVM(cidr)
	e.Vsctl(append([]string{"add-port", br, vm.Port}, portArgs...)...)
	return vm
}

// OFPort is the VM's OpenFlow port number.
func (vm *VM) OFPort() uint32 { return vm.e.OFPort(vm.Port) }

func randomMAC() string {
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("02:73:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3])
}

// HW is the VM's MAC as bytes.
func (vm *VM) HW() net.HardwareAddr {
	hw, _ := net.ParseMAC(vm.MAC)
	return hw
}

// Ping sends one echo request and waits a second for the reply.
func (vm *VM) Ping(ip string) error {
	out, err := vm.Try(5*time.Second, "ping", "-c1", "-W1", "-n", ip)
	if err != nil {
		return fmt.Errorf("ping %s from %s: %v: %s", ip, vm.Name, err, lastLine(out))
	}
	return nil
}

// MustReach polls until a ping from vm to ip succeeds.
func (vm *VM) MustReach(ip string, timeout time.Duration) {
	vm.e.t.Helper()
	vm.e.Eventually(timeout, fmt.Sprintf("%s (%s) reaches %s", vm.Name, vm.IP, ip), func() error {
		return vm.Ping(ip)
	})
}

// MustNotReach checks that none of three pings over about 2 s gets an
// answer. Callers first show a positive case on the same bridge, so a
// silent failure of the whole switch cannot pass for isolation.
func (vm *VM) MustNotReach(ip string) {
	vm.e.t.Helper()
	out, err := vm.Try(10*time.Second, "ping", "-c3", "-i0.5", "-W1", "-n", ip)
	if err == nil {
		vm.e.Fatalf("%s (%s) reaches %s, but must not:\n%s", vm.Name, vm.IP, ip, out)
	}
}

func nonEmptyLines(s string) []string {
	var ls []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			ls = append(ls, l)
		}
	}
	return ls
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// Listen opens a frame reader on the VM's eth0.
func (vm *VM) Listen() *netns.Reader {
	vm.e.t.Helper()
	return vm.ListenOn("eth0")
}

// ListenOn opens a frame reader on one of the VM's devices.
func (vm *VM) ListenOn(dev string) *netns.Reader {
	vm.e.t.Helper()
	s, err := vm.NS.Listen(dev)
	if err != nil {
		vm.e.t.Fatalf("listen on %s in %s: %v", dev, vm.Name, err)
	}
	r := netns.NewReader(s)
	vm.e.t.Cleanup(r.Close)
	return r
}

// iperfResult is what an iperf3 client run reports.
type iperfResult struct {
	BitsPerSecond float64
	Intervals     []float64 // bytes per interval (1 s each)
	Seconds       float64   // wall time of the client
}

// Iperf runs an iperf3 server in dst and a client in src for secs seconds
// (TCP, default offloads) and returns the client's report.
func Iperf(src, dst *VM, secs int) iperfResult {
	e := src.e
	e.t.Helper()
	r, err := StartIperf(src, dst, secs).Wait()
	if err != nil {
		e.Fatalf("iperf3 %s -> %s: %v", src.Name, dst.Name, err)
	}
	return r
}

// IperfRun is an iperf3 client running in the background.
type IperfRun struct {
	src, dst *VM
	start    time.Time
	done     chan struct{}
	out      string
	err      error
}

// StartIperf starts an iperf3 server in dst, waits for it to listen, and
// starts the client in src.
func StartIperf(src, dst *VM, secs int) *IperfRun {
	e := src.e
	e.t.Helper()
	dst.Start(e.t, "iperf3", "-s", "-1", "-B", dst.IP)
	e.Eventually(10*time.Second, "iperf3 server listens in "+dst.Name, func() error {
		out, err := dst.Try(5*time.Second, "ss", "-Hltn", "sport = :5201")
		if err != nil || !strings.Contains(out, "5201") {
			return fmt.Errorf("not listening: %v %s", err, out)
		}
		return nil
	})
	run := &IperfRun{src: src, dst: dst, start: time.Now(), done: make(chan struct{})}
	go func() {
		defer close(run.done)
		run.out, run.err = src.Try(time.Duration(secs+30)*time.Second,
			"iperf3", "-c", dst.IP, "-t", fmt.Sprint(secs), "-i", "1", "-J")
	}()
	return run
}

// Established waits until the client's data connection is up.
func (r *IperfRun) Established(timeout time.Duration) {
	e := r.src.e
	e.t.Helper()
	e.Eventually(timeout, "iperf3 connections established", func() error {
		out, err := r.src.Try(5*time.Second, "ss", "-Htn", "state", "established", "dport = :5201")
		if err != nil {
			return err
		}
		// The control connection and at least one data stream.
		if n := len(nonEmptyLines(out)); n < 2 {
			return fmt.Errorf("%d connections established", n)
		}
		return nil
	})
}

// Wait waits for the client and parses its JSON report.
func (r *IperfRun) Wait() (iperfResult, error) {
	<-r.done
	res := iperfResult{Seconds: time.Since(r.start).Seconds()}
	var rep struct {
		Error     string `json:"error"`
		Intervals []struct {
			Sum struct {
				Bytes float64 `json:"bytes"`
			} `json:"sum"`
		} `json:"intervals"`
		End struct {
			SumReceived struct {
				BitsPerSecond float64 `json:"bits_per_second"`
			} `json:"sum_received"`
		} `json:"end"`
	}
	if jerr := json.Unmarshal([]byte(r.out), &rep); jerr != nil {
		return res, fmt.Errorf("%v (report unreadable: %v): %s", r.err, jerr, r.out)
	}
	if r.err != nil || rep.Error != "" {
		return res, fmt.Errorf("%v: %s", r.err, rep.Error)
	}
	for _, iv := range rep.Intervals {
		res.Intervals = append(res.Intervals, iv.Sum.Bytes)
	}
	res.BitsPerSecond = rep.End.SumReceived.BitsPerSecond
	return res, nil
}

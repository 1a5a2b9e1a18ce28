package ofproto

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/ebpf"
	"github.com/xvs-switch/xvs/internal/testenv"
	"github.com/xvs-switch/xvs/tests/netns"
)

// BenchmarkRevalidateEBPF120k: one periodic pass over 120,000 idle cache
// entries in the eBPF datapath (as root), what the flow-setup scenario of
// the bench leaves behind. Besides ns/op it reports the process's CPU
// time per pass (user + system, getrusage): vswitchd's revalidator runs a
// pass every 500 ms, so twice that is its idle CPU share.
func BenchmarkRevalidateEBPF120k(b *testing.B) {
	testenv.RequireRoot(b)
	const n = 120000
	tag := netns.Unique("")
	pin := filepath.Join("/sys/fs/bpf", "xup-"+tag)
	b.Cleanup(func() { os.RemoveAll(pin) })
	dp, err := ebpf.New(ebpf.Config{Name: "xup" + tag, PinDir: pin, MaxFlows: 200000})
	if err != nil {
		b.Fatalf("ebpf datapath: %v", err)
	}
	sw, err := New(Config{Name: "xup" + tag, Datapath: dp, FailMode: FailSecure, RevalidateInterval: -1, FlowLimit: 200000})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sw.Close(); dp.Destroy(); dp.Close() })
	// No ports: every key translates to a drop entry, which the datapath
	// stores and dumps like any other.
	var key datapath.FlowKey
	key.InPort = 1
	key.Fields = datapath.FieldEth | datapath.FieldIPv4 | datapath.FieldUDP
	key.EthType = 0x0800
	key.IPProto = 17
	for i := range n {
		key.TPSrc, key.IPv4Src[3], key.IPv4Src[2], key.IPv4Src[1] = uint16(i), byte(i), byte(i>>8), byte(i>>16)
		u := datapath.Upcall{Reason: datapath.ReasonMiss, InPort: 1, Key: key, Frame: make([]byte, 60)}
		if err := sw.HandleUpcall(&u); err != nil {
			b.Fatal(err)
		}
	}
	if st, err := sw.Revalidate(); err != nil || st.Flows != n {
		b.Fatalf("first pass %+v, %v", st, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		st, err := sw.Revalidate()
		if err != nil {
			b.Fatal(err)
		}
		if st.Flows != n || st.Deleted != 0 {
			b.Fatalf("pass %+v, want %d entries kept", st, n)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/pass")
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

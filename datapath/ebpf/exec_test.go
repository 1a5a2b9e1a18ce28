package ebpf

import (
	"bytes"
	"testing"
	"time"

	"github.com/xvs-switch/xvs/datapath"
)

// TestSystemExecuteReusesExecMap: runBPF writes exec_map only when the
// request differs from the last. Executing to port 2 twice (the second
// time without a map write), then to port 3, then to port 2 again must
// send each frame where its own list says, and nowhere else: a skipped
// write must never run a stale list.
func TestSystemExecuteReusesExecMap(t *testing.T) {
	tp := newTopo(t, 3)
	socks := tp.listen(t)
	base := testFrames(t)["ipv4-udp"]
	for step, out := range []uint32{2, 2, 3, 2} {
		frame := append([]byte(nil), base...)
		frame[len(frame)-1] = byte(step) // tell the steps' frames apart
		match := func(b []byte) bool { return bytes.Equal(b, frame) }
		if err := tp.d.Execute(frame, 1, []datapath.Action{datapath.Output{Port: out}}); err != nil {
			t.Fatalf("step %d: execute: %v", step, err)
		}
		if _, err := socks[out-1].Recv(3*time.Second, match); err != nil {
			t.Fatalf("step %d: output:%d did not arrive: %v", step, out, err)
		}
		other := 5 - out // the other of ports 2 and 3
		if _, err := socks[other-1].Recv(200*time.Millisecond, match); err == nil {
			t.Fatalf("step %d: output:%d also reached port %d", step, out, other)
		}
	}
}

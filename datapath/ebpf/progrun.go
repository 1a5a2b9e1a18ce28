package ebpf

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// progRunAttr is the BPF_PROG_TEST_RUN part of union bpf_attr
// (include/uapi/linux/bpf.h, "anonymous struct used by
// BPF_PROG_TEST_RUN command"), on a 64-bit platform: the pointers are
// __aligned_u64 there.
type progRunAttr struct {
	progFD      uint32
	retval      uint32
	dataSizeIn  uint32
	dataSizeOut uint32
	dataIn      unsafe.Pointer
	dataOut     unsafe.Pointer
	repeat      uint32
	duration    uint32
	ctxSizeIn   uint32
	ctxSizeOut  uint32
	ctxIn       unsafe.Pointer
	ctxOut      unsafe.Pointer
	flags       uint32
	cpu         uint32
	batchSize   uint32
	_           uint32
}

// bpfProgTestRun is BPF_PROG_TEST_RUN's command number (enum bpf_cmd).
const bpfProgTestRun = 10

// The layout above holds on 64-bit platforms only: 80 bytes, as the
// kernel's struct (a 32-bit build fails to compile here).
var _ [unsafe.Sizeof(progRunAttr{}) - 80]struct{}
var _ [80 - unsafe.Sizeof(progRunAttr{})]struct{}

// progRun runs a program once on data with BPF_PROG_TEST_RUN and returns
// its return value. cilium/ebpf's Program.Run does the same, and also
// masks SIGPROF around the system call and locks the goroutine to its
// thread (against a verifier livelock that a single run of a loaded
// program cannot meet): two rt_sigprocmask calls a packet that Execute,
// run for every upcall, does without. A run of one repetition cannot be
// interrupted (the kernel checks for signals between repetitions only).
func progRun(fd int, data []byte) (uint32, error) {
	if len(data) == 0 {
		return 0, fmt.Errorf("run program: no data")
	}
	attr := progRunAttr{progFD: uint32(fd), dataSizeIn: uint32(len(data)), dataIn: unsafe.Pointer(&data[0]), repeat: 1}
	_, _, errno := unix.Syscall(unix.SYS_BPF, bpfProgTestRun, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	runtime.KeepAlive(data)
	if errno != 0 {
		return 0, fmt.Errorf("run program: %w", errno)
	}
	return attr.retval, nil
}

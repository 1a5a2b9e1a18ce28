package ebpf

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"unsafe"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// enablePeerNAPI makes the peer of veth l able to receive XDP-redirected
// frames. veth hands an XDP frame only to a peer whose receive queue runs
// NAPI, which it does with an XDP program attached or GRO on; xvs turns GRO
// on, which leaves the peer's offloads alone (attaching XDP to it would turn
// TSO off on this end). The peer usually sits in a container's namespace:
// it is found by the namespace id the kernel reports for the link.
func enablePeerNAPI(l netlink.Link) error {
	peerIndex := l.Attrs().ParentIndex
	if peerIndex == 0 {
		return errors.New("veth peer index unknown")
	}
	target, err := peerNamespace(l.Attrs().NetNsID)
	if err != nil {
		return err
	}
	defer target.Close()
	done := make(chan error, 1)
	go func() {
		// The thread enters the namespace and is not reused afterwards:
		// exiting a locked goroutine retires its thread.
		runtime.LockOSThread()
		if err := netns.Set(target); err != nil {
			done <- err
			return
		}
		ifi, err := net.InterfaceByIndex(peerIndex)
		if err != nil {
			done <- err
			return
		}
		done <- setGRO(ifi.Name, true)
	}()
	if err := <-done; err != nil {
		return fmt.Errorf("enable gro on the veth peer: %w", err)
	}
	return nil
}

// peerNamespace returns a handle on the namespace with id nsid as seen
// from the current one (-1: the current one), searching the named
// namespaces and those of running processes.
func peerNamespace(nsid int) (netns.NsHandle, error) {
	if nsid < 0 {
		return netns.Get()
	}
	named, _ := filepath.Glob("/var/run/netns/*")
	procs, _ := filepath.Glob("/proc/[0-9]*/ns/net")
	for _, p := range append(named, procs...) {
		h, err := netns.GetFromPath(p)
		if err != nil {
			continue
		}
		if id, err := netlink.GetNetNsIdByFd(int(h)); err == nil && id == nsid {
			return h, nil
		}
		h.Close()
	}
	return netns.None(), fmt.Errorf("namespace id %d: %w", nsid, os.ErrNotExist)
}

// setGRO switches generic receive offload with the ethtool ioctl.
func setGRO(name string, on bool) error {
	const ethtoolSGRO = 0x2c // ETHTOOL_SGRO, linux/ethtool.h
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	val := &struct{ cmd, data uint32 }{cmd: ethtoolSGRO} // heap: never moves
	if on {
		val.data = 1
	}
	var ifr struct {
		name [unix.IFNAMSIZ]byte
		data uintptr
		_    [16]byte
	}
	copy(ifr.name[:], name)
	ifr.data = uintptr(unsafe.Pointer(val))
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(&ifr))); errno != 0 {
		return errno
	}
	runtime.KeepAlive(val)
	return nil
}

package server

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
)

// umaskMu serialises the process-wide umask change around unix socket
// creation.
var umaskMu sync.Mutex

// Listen opens a passive remote in ovsdb-server syntax:
//
//	punix:PATH        unix socket, mode 0600 (created under umask 177, so
//	                  it is never reachable by others even briefly)
//	ptcp:PORT[:IP]    TCP; IP defaults to all addresses, IPv6 in [brackets]
func Listen(remote string) (net.Listener, error) {
	kind, arg, ok := strings.Cut(remote, ":")
	if !ok || arg == "" {
		return nil, fmt.Errorf("remote %q: want punix:PATH or ptcp:PORT[:IP]", remote)
	}
	switch kind {
	case "punix":
		return listenUnix(arg)
	case "ptcp":
		port, ip, _ := strings.Cut(arg, ":")
		ip = strings.TrimSuffix(strings.TrimPrefix(ip, "["), "]")
		l, err := net.Listen("tcp", net.JoinHostPort(ip, port))
		if err != nil {
			return nil, fmt.Errorf("remote %s: %w", remote, err)
		}
		return l, nil
	}
	return nil, fmt.Errorf("remote %q: unsupported kind %q (want punix or ptcp)", remote, kind)
}

func listenUnix(path string) (net.Listener, error) {
	if len(path) >= 108 {
		return nil, fmt.Errorf("punix:%s: socket path longer than 107 bytes", path)
	}
	// A socket file left by a server that died is removed; a live one
	// (someone answers) is not.
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, fmt.Errorf("punix:%s: another server is listening there", path)
		}
		os.Remove(path)
	}
	umaskMu.Lock()
	old := syscall.Umask(0o177)
	l, err := net.Listen("unix", path)
	syscall.Umask(old)
	umaskMu.Unlock()
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("punix:%s: path exists and is not a stale socket", path)
		}
		return nil, fmt.Errorf("punix:%s: %w", path, err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(true)
	return l, nil
}

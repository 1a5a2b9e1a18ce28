package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"google.golang.org/grpc"
)

// Listen opens the API socket at path with mode 0600. The socket is bound
// under a temporary name, restricted, then renamed into place, so that no
// other user can connect in between. A stale socket (nobody answers) is
// replaced; a live one means another daemon runs, which is an error.
func Listen(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("api socket: %w", err)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("api socket %s: another vswitchd is listening", path)
	}
	tmp := path + ".tmp" + strconv.Itoa(os.Getpid())
	os.Remove(tmp)
	l, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, fmt.Errorf("api socket: %w", err)
	}
	// The listener removes its own file on Close; after the rename that
	// would be the tmp name, so the rename's target is removed by Serve.
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		l.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("api socket: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		l.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("api socket: %w", err)
	}
	return l, nil
}

// Serve serves the API on l until ctx ends, then stops gracefully (calls in
// progress finish) and removes the socket file at path.
func Serve(ctx context.Context, l net.Listener, path string, b Backend) error {
	s := grpc.NewServer(grpc.MaxSendMsgSize(maxMessage))
	Register(s, b)
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	var err error
	select {
	case <-ctx.Done():
		stopped := make(chan struct{})
		go func() { s.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			s.Stop()
		}
		err = <-done
	case err = <-done:
	}
	os.Remove(path)
	if errors.Is(err, grpc.ErrServerStopped) {
		err = nil
	}
	return err
}

package api

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/xvs-switch/xvs/internal/rundir"
)

// SocketName is the API socket's file name in the run directory.
const SocketName = "vswitchd.sock"

// DefaultSocket is <rundir>/vswitchd.sock.
func DefaultSocket() string { return filepath.Join(rundir.Dir(), SocketName) }

// maxMessage bounds a reply: a dump of a full flow cache (200,000 entries
// of a few hundred bytes) fits.
const maxMessage = 256 << 20

// Client calls the service on one connection.
type Client struct {
	conn *grpc.ClientConn
	// Timeout bounds each call made with a context that has no deadline.
	Timeout time.Duration
}

// Dial connects to the daemon's socket (a path). The socket must exist: a
// missing one means no daemon runs, which callers want to know at once
// rather than after a connect timeout.
func Dial(socket string) (*Client, error) {
	if _, err := os.Stat(socket); err != nil {
		return nil, fmt.Errorf("vswitchd is not running (%w)", err)
	}
	conn, err := grpc.NewClient("unix://"+socket,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.CallContentSubtype(CodecName), grpc.MaxCallRecvMsgSize(maxMessage)))
	if err != nil {
		return nil, fmt.Errorf("vswitchd %s: %w", socket, err)
	}
	return &Client{conn: conn, Timeout: 30 * time.Second}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

func (c *Client) call(ctx context.Context, method string, req, resp any) error {
	if _, ok := ctx.Deadline(); !ok && c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	return c.conn.Invoke(ctx, "/"+ServiceName+"/"+method, req, resp)
}

// Appctl runs one command and returns its output.
func (c *Client) Appctl(ctx context.Context, cmd string, args []string, format string) (string, error) {
	var r AppctlReply
	if err := c.call(ctx, MethodAppctl, &AppctlRequest{Command: cmd, Args: args, Format: format}, &r); err != nil {
		if st, ok := status.FromError(err); ok && (st.Code() == codes.Unknown || st.Code() == codes.InvalidArgument) {
			return "", &CommandError{Msg: st.Message()}
		}
		return "", fmt.Errorf("cannot talk to vswitchd: %w", err)
	}
	return r.Output, nil
}

// CommandError is a command's own failure, as opposed to a failure to
// reach the daemon.
type CommandError struct{ Msg string }

func (e *CommandError) Error() string { return e.Msg }

// Datapaths names the daemon's datapaths.
func (c *Client) Datapaths(ctx context.Context) ([]string, error) {
	var r DatapathList
	if err := c.call(ctx, MethodDatapaths, &Empty{}, &r); err != nil {
		return nil, fromStatus(err)
	}
	return r.Names, nil
}

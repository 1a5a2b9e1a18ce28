package dpctl

// The gRPC mode: when xvs vswitchd runs, dpctl works through its API
// (vswitchd/api) so that it sees and edits the datapaths the daemon runs,
// each named "xvs@BRIDGE"; otherwise it opens the pinned maps directly.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xvs-switch/xvs/vswitchd/api"
)

// errNoDaemon says no vswitchd answers; dpctl then falls back to the pins.
var errNoDaemon = errors.New("vswitchd not running")

// dialVswitchd connects to the daemon's API socket and lists its datapaths.
func dialVswitchd(socket string) (*api.Client, []string, error) {
	if socket == "" {
		socket = api.DefaultSocket()
	}
	c, err := api.Dial(socket)
	if err != nil {
		return nil, nil, errNoDaemon
	}
	names, err := c.Datapaths(context.Background())
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("%w: %v", errNoDaemon, err)
	}
	return c, names, nil
}

// runRemote runs one command against the daemon's datapaths: the one
// named after the command, the only one, or (for show) each in turn.
func runRemote(c *api.Client, names []string, args []string, w io.Writer, json bool) error {
	var targets []string
	switch {
	case len(args) > 1 && isDPName(args[1]):
		targets = []string{args[1]}
	case len(names) == 1:
		targets = names
	case len(names) == 0:
		return errors.New("vswitchd runs no datapath (no bridge configured)")
	case args[0] == "show" || args[0] == "dump-ports":
		targets = names
	default:
		return fmt.Errorf("%w: vswitchd runs several datapaths (%s); name one after the command", errUsage, strings.Join(names, ", "))
	}
	for _, name := range targets {
		rd, err := c.Datapath(context.Background(), name)
		if err != nil {
			return err
		}
		if err := Run(rd, args, w, json); err != nil {
			return err
		}
	}
	return nil
}

// pinnedPath is where to find the datapath without vswitchd: the one the
// command names ("xvs@br0", pinned by vswitchd under the pin root), else
// the default.
func pinnedPath(args []string) string {
	if len(args) > 1 && isDPName(args[1]) {
		return filepath.Join(filepath.Dir(DefaultPath), args[1])
	}
	return DefaultPath
}

// Package rundir says where xvs's processes keep their sockets: /run/xvs,
// or the directory named by XVS_RUNDIR. Every default that lives there (the
// DB socket, bridge management sockets, vswitchd's API socket) is derived
// here so that the server and its clients agree.
package rundir

import (
	"os"
	"path/filepath"
)

// Default is the run directory when XVS_RUNDIR is not set.
const Default = "/run/xvs"

// Dir returns the run directory.
func Dir() string {
	if d := os.Getenv("XVS_RUNDIR"); d != "" {
		return filepath.Clean(d)
	}
	return Default
}

// DBSocket is the default OVSDB server socket, <rundir>/db.sock.
func DBSocket() string { return filepath.Join(Dir(), "db.sock") }

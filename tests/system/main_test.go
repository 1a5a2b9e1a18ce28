package system

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// xvsBin is the xvs binary every test runs: XVS_BIN when set, else the one
// TestMain builds from this tree, so the tests exercise the code beside
// them and never an installed copy.
var xvsBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if p := os.Getenv("XVS_BIN"); p != "" {
		xvsBin = p
		return m.Run()
	}
	if os.Geteuid() != 0 {
		// Every test needs root and skips (or fails under XVS_STRICT)
		// before it runs xvs: nothing to build.
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "xs-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "system: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	xvsBin = filepath.Join(dir, "xvs")
	build := exec.Command("go", "build", "-o", xvsBin, "github.com/xvs-switch/xvs/cli/xvs")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "system: building xvs:", err)
		return 1
	}
	return m.Run()
}

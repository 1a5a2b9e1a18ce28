package rundir

import "testing"

func TestDir(t *testing.T) {
	t.Setenv("XVS_RUNDIR", "")
	if Dir() != "/run/xvs" || DBSocket() != "/run/xvs/db.sock" {
		t.Fatalf("defaults: %s %s", Dir(), DBSocket())
	}
	t.Setenv("XVS_RUNDIR", "/tmp/x/")
	if Dir() != "/tmp/x" || DBSocket() != "/tmp/x/db.sock" {
		t.Fatalf("XVS_RUNDIR: %s %s", Dir(), DBSocket())
	}
}

package vswitchd

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

// profileWindow is how long each CPU profile file covers.
const profileWindow = time.Second

// startCPUProfile profiles the process's CPU when XVS_CPUPROFILE names a
// path: one file a second, PATH.0, PATH.1, ..., each complete when
// written, so a daemon killed without warning (as the bench stops it)
// still leaves every finished second; `go tool pprof BINARY PATH.*`
// merges them. The returned function ends the profile.
func startCPUProfile() (stop func(), err error) {
	path := os.Getenv("XVS_CPUPROFILE")
	if path == "" {
		return func() {}, nil
	}
	done := make(chan struct{})
	exited := make(chan struct{})
	begin := func(n int) (*os.File, error) {
		f, err := os.Create(fmt.Sprintf("%s.%d", path, n))
		if err != nil {
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		return f, nil
	}
	f, err := begin(0)
	if err != nil {
		return nil, err
	}
	go func() {
		defer close(exited)
		t := time.NewTicker(profileWindow)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-done:
				pprof.StopCPUProfile()
				f.Close()
				return
			case <-t.C:
			}
			pprof.StopCPUProfile()
			f.Close()
			if f, err = begin(n); err != nil {
				return
			}
		}
	}()
	return func() { close(done); <-exited }, nil
}

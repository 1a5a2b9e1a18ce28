package dptest

import (
	"fmt"
	"runtime"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(f string, a ...any) {
	r.failed = append(r.failed, fmt.Sprintf(f, a...))
}
func (r *recorder) Fatalf(f string, a ...any) {
	r.Errorf(f, a...)
	runtime.Goexit()
}

func decodeFails(t *testing.T, frame []byte) bool {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Decode(r, frame)
	}()
	<-done
	return len(r.failed) > 0
}

// Decode must catch a wrong checksum at every layer, or the action
// scenarios would prove nothing.
func TestDecodeCatchesBadChecksums(t *testing.T) {
	for name, c := range map[string]struct {
		frame []byte
		at    int
	}{
		"ipv4":   {TCP4(t, 1, 2), 14 + 10},
		"tcp":    {TCP4(t, 1, 2), 14 + 20 + 16},
		"udp":    {NewStack("ip4", "udp").Build(t), 14 + 20 + 6},
		"icmp":   {ICMP4(t), 14 + 20 + 2},
		"tcp6":   {TCP6(t, 1, 2), 14 + 40 + 16},
		"icmpv6": {ICMP6Echo(t), 14 + 40 + 2},
	} {
		if decodeFails(t, c.frame) {
			t.Errorf("%s: a good frame failed", name)
		}
		c.frame[c.at] ^= 0x40
		if !decodeFails(t, c.frame) {
			t.Errorf("%s: a bad checksum passed", name)
		}
	}
}

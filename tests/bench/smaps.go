package bench

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// residentMappings summarises /proc/PID/smaps: the n mappings with the
// most resident memory (Rss), largest first, one line each with the
// mapping's name and size (and its transparent huge pages). It says where
// a daemon's VmRSS lives: Go heap arenas (anonymous), BPF maps mapped into
// it ("anon_inode:bpf-map" or "anon_inode:bpf-ringbuf"), the binary's own
// pages.
func residentMappings(pid, n int) (string, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return "", err
	}
	defer f.Close()
	type mapping struct {
		head      string
		size, rss int
		anon, thp int
	}
	var ms []mapping
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		k, v, ok := strings.Cut(l, ":")
		if ok && !strings.Contains(k, " ") && strings.HasSuffix(v, " kB") {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(v, " kB")))
			if len(ms) == 0 {
				continue
			}
			m := &ms[len(ms)-1]
			switch k {
			case "Size":
				m.size = kb
			case "Rss":
				m.rss = kb
			case "Anonymous":
				m.anon = kb
			case "AnonHugePages":
				m.thp = kb
			}
			continue
		}
		if ok && !strings.Contains(k, " ") {
			continue // VmFlags and other non-size fields
		}
		ms = append(ms, mapping{head: l})
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].rss > ms[j].rss })
	var sb strings.Builder
	total := 0
	for _, m := range ms {
		total += m.rss
	}
	fmt.Fprintf(&sb, "resident %d kB in %d mappings; largest:\n", total, len(ms))
	for _, m := range ms[:min(n, len(ms))] {
		name := ""
		if f := strings.Fields(m.head); len(f) >= 6 {
			name = strings.Join(f[5:], " ")
		}
		if name == "" {
			name = "[anon]"
		}
		fmt.Fprintf(&sb, "  rss %7d kB  anon %7d kB  huge %7d kB  size %8d kB  %s %s\n", m.rss, m.anon, m.thp, m.size, strings.Fields(m.head)[0], name)
	}
	return sb.String(), nil
}

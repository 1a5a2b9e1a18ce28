package connmgr

// Controller targets, as in ovs-vswitchd.conf.db(5) "Controller
// Configuration": tcp:IP[:PORT] and unix:PATH connect out; ptcp:[PORT][:IP]
// and punix:PATH listen. The default OpenFlow port is 6653 (IANA).

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// DefaultPort is the IANA OpenFlow port, used when a target names none.
const DefaultPort = 6653

// target is a parsed controller target.
type target struct {
	passive bool
	network string // "tcp" or "unix"
	addr    string // host:port or a socket path
}

// parseTarget parses a controller target string.
func parseTarget(s string) (target, error) {
	kind, rest, ok := strings.Cut(s, ":")
	if !ok {
		return target{}, fmt.Errorf("target %q: want tcp:IP[:PORT], unix:PATH, ptcp:[PORT][:IP] or punix:PATH", s)
	}
	switch kind {
	case "tcp":
		addr, err := activeTCP(rest)
		if err != nil {
			return target{}, fmt.Errorf("target %q: %w", s, err)
		}
		return target{network: "tcp", addr: addr}, nil
	case "ptcp":
		addr, err := passiveTCP(rest)
		if err != nil {
			return target{}, fmt.Errorf("target %q: %w", s, err)
		}
		return target{passive: true, network: "tcp", addr: addr}, nil
	case "unix", "punix":
		if rest == "" {
			return target{}, fmt.Errorf("target %q: empty socket path", s)
		}
		return target{passive: kind == "punix", network: "unix", addr: rest}, nil
	case "ssl", "pssl":
		return target{}, fmt.Errorf("target %q: ssl connections are not supported", s)
	}
	return target{}, fmt.Errorf("target %q: unknown connection method %q", s, kind)
}

// activeTCP parses "IP[:PORT]"; IPv6 addresses are written in brackets
// ("[::1]:6653"), as Open vSwitch writes them.
func activeTCP(s string) (string, error) {
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return "", fmt.Errorf("unterminated [ in %q", s)
		}
		host = s[1:end]
		switch rest := s[end+1:]; {
		case rest == "":
		case strings.HasPrefix(rest, ":"):
			port = rest[1:]
		default:
			return "", fmt.Errorf("unexpected %q after the address", rest)
		}
	} else if i := strings.LastIndex(s, ":"); i >= 0 {
		host, port = s[:i], s[i+1:]
	}
	if net.ParseIP(host) == nil {
		return "", fmt.Errorf("%q is not an IP address", host)
	}
	p, err := parsePort(port)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(host, strconv.Itoa(p)), nil
}

// passiveTCP parses "[PORT][:IP]": an empty port is 6653, port 0 asks the
// kernel for one, no IP listens on every address.
func passiveTCP(s string) (string, error) {
	port, host, _ := strings.Cut(s, ":")
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if host != "" && net.ParseIP(host) == nil {
		return "", fmt.Errorf("%q is not an IP address", host)
	}
	p, err := parsePort(port)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(host, strconv.Itoa(p)), nil
}

func parsePort(s string) (int, error) {
	if s == "" {
		return DefaultPort, nil
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 0 || p > 65535 {
		return 0, fmt.Errorf("bad port %q", s)
	}
	return p, nil
}

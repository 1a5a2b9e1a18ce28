package vswitchd

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// dbProxy forwards unix-socket connections to the test DB and can cut
// them all, as a restarting ovsdb-server would.
type dbProxy struct {
	l     net.Listener
	to    string
	mu    sync.Mutex
	conns []net.Conn
}

func startProxy(t *testing.T, to string) *dbProxy {
	dir, err := os.MkdirTemp("", "xv-px-")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(dir, "db.sock"))
	if err != nil {
		t.Fatal(err)
	}
	p := &dbProxy{l: l, to: to}
	t.Cleanup(func() {
		l.Close()
		p.cut()
		os.RemoveAll(dir)
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("unix", to)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

func (p *dbProxy) remote() string { return "unix:" + p.l.Addr().String() }

// cut closes every forwarded connection.
func (p *dbProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestDBReconnect: when the database connection drops, bridges keep
// running and vswitchd reconnects and follows new changes.
func TestDBReconnect(t *testing.T) {
	td := newTestDaemon(t)
	px := startProxy(t, td.db.Sock)
	td.cfg.DB = px.remote()
	td.cfg.NewDatapath = dummyFactory(td)
	td.start()
	td.vsctl("add-br", "xvbr10")
	connects := covDBConnect.Value()
	px.cut()
	// vsctl talks to the DB directly; it returns once the reconnected
	// daemon acknowledged the change.
	td.vsctl("add-port", "xvbr10", "xvr1")
	if got := td.vsctl("get", "interface", "xvr1", "ofport"); got == "-1" || got == "[]" {
		t.Errorf("after reconnect: ofport %s", got)
	}
	if covDBConnect.Value() <= connects {
		t.Error("the daemon did not reconnect to the database")
	}
	if out := td.appctl("coverage/show"); !strings.Contains(out, "ovsdb_connect") {
		t.Errorf("coverage/show lacks ovsdb_connect:\n%s", out)
	}
}

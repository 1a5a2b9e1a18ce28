package dummy_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
	"github.com/xvs-switch/xvs/datapath/packet"
)

func harness() dptest.Harness {
	return dptest.Harness{New: func(t *testing.T, cfg dptest.Config) *dptest.Env {
		d := dummy.New(dummy.Config{MaxFlows: cfg.MaxFlows, UpcallQueue: cfg.UpcallQueue})
		t.Cleanup(func() { d.Close() })
		env := &dptest.Env{DP: d, Inject: d.Inject, Receive: d.Receive}
		for i := range cfg.Ports {
			p, err := d.AddPort(datapath.PortConfig{Name: fmt.Sprintf("dummy%d", i), Type: datapath.PortSystem})
			if err != nil {
				t.Fatal(err)
			}
			env.Ports = append(env.Ports, p.Number)
		}
		return env
	}}
}

func TestConformance(t *testing.T) { dptest.Run(t, harness()) }

func TestCloseClosesUpcalls(t *testing.T) {
	d := dummy.New(dummy.Config{})
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, ok := <-d.Upcalls(); ok {
		t.Fatal("upcall channel open after Close")
	}
	if err := d.Inject(1, nil); err != datapath.ErrClosed {
		t.Fatalf("inject after close: %v", err)
	}
}

func TestReceiveHonoursContext(t *testing.T) {
	d := dummy.New(dummy.Config{})
	p, _ := d.AddPort(datapath.PortConfig{Name: "a"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Receive(ctx, p.Number); err != context.Canceled {
		t.Fatalf("receive: %v", err)
	}
}

func TestTxQueueOverflowCountsDrops(t *testing.T) {
	d := dummy.New(dummy.Config{TxQueue: 2})
	defer d.Close()
	a, _ := d.AddPort(datapath.PortConfig{Name: "a"})
	b, _ := d.AddPort(datapath.PortConfig{Name: "b"})
	f := dptest.UDP4(t, 1, 2)
	for range 5 {
		if err := d.Execute(f, a.Number, []datapath.Action{datapath.Output{Port: b.Number}}); err != nil {
			t.Fatal(err)
		}
	}
	ps, _ := d.Ports()
	if s := ps[1].Stats; s.TxPackets != 2 || s.TxDropped != 3 {
		t.Errorf("port stats %+v, want 2 sent and 3 dropped", s)
	}
}

func TestPortNumbering(t *testing.T) {
	d := dummy.New(dummy.Config{})
	defer d.Close()
	p5, err := d.AddPort(datapath.PortConfig{Name: "five", Number: 5, Type: datapath.PortInternal})
	if err != nil || p5.Number != 5 || p5.Attach != datapath.AttachTC {
		t.Fatalf("explicit number: %+v %v", p5, err)
	}
	p1, _ := d.AddPort(datapath.PortConfig{Name: "one", Attach: datapath.AttachTC})
	if p1.Number != 1 || p1.Attach != datapath.AttachTC {
		t.Errorf("first free number: %+v", p1)
	}
	if _, err := d.AddPort(datapath.PortConfig{Name: "dup", Number: 5}); err == nil {
		t.Error("a used number was accepted")
	}
	if _, err := d.AddPort(datapath.PortConfig{}); err == nil {
		t.Error("an empty name was accepted")
	}
	if _, err := d.AddPort(datapath.PortConfig{Name: "x", Type: 9}); err == nil {
		t.Error("an unknown type was accepted")
	}
	if err := d.Inject(77, nil); err == nil {
		t.Error("inject on a missing port succeeded")
	}
}

// TestConcurrentUse exercises the datapath from several goroutines; run
// with -race it checks the locking.
func TestConcurrentUse(t *testing.T) {
	d := dummy.New(dummy.Config{UpcallQueue: 16})
	defer d.Close()
	a, _ := d.AddPort(datapath.PortConfig{Name: "a"})
	b, _ := d.AddPort(datapath.PortConfig{Name: "b"})
	done := make(chan struct{})
	go func() { // consumer of upcalls and of port b
		for {
			select {
			case <-d.Upcalls():
			case <-done:
				return
			}
		}
	}()
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			var err error
			for i := range 200 {
				f := dptest.UDP4(t, uint16(g*1000+i%10), 53)
				switch i % 4 {
				case 0:
					err = d.Put(packet.Extract(f, a.Number), []datapath.Action{datapath.Output{Port: b.Number}}, 0)
				case 1:
					err = d.Inject(a.Number, f)
				case 2:
					err = d.Dump(3, func([]datapath.Flow) error { _, err := d.Stats(); return err })
				case 3:
					_, err = d.Ports()
				}
				if err != nil {
					break
				}
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	close(done)
	s, _ := d.Stats()
	ps, _ := d.Ports()
	if s.Hit+s.Missed != 200 || ps[0].Stats.RxPackets != 200 {
		t.Errorf("stats %+v, rx %d; want 200 lookups", s, ps[0].Stats.RxPackets)
	}
}

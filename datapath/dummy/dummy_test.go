package dummy_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/dptest"
	"github.com/xvs-switch/xvs/datapath/dummy"
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

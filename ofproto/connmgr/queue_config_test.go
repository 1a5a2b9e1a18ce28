package connmgr

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestQueueGetConfig: an existing port has an empty queue list (no QoS),
// in 1.3 and, through of10's conversions, in 1.0; a port that does not
// exist is OFPQOFC_BAD_PORT carrying the request, as ovs-vswitchd answers.
func TestQueueGetConfig(t *testing.T) {
	h := newHarness(t)
	p13 := h.mgmt(ofp.Version13)
	_, m := p13.request(&ofp.QueueGetConfigRequest{Port: 1})
	if r, ok := m.(*ofp.QueueGetConfigReply); !ok || r.Port != 1 || len(r.Queues) != 0 {
		t.Fatalf("1.3 port 1: %#v", m)
	}
	_, m = p13.request(&ofp.QueueGetConfigRequest{Port: ofp.PortAny})
	if r, ok := m.(*ofp.QueueGetConfigReply); !ok || r.Port != ofp.PortAny {
		t.Fatalf("1.3 port ANY: %#v", m)
	}
	raw := mustMarshal(t, ofp.Version13, 41, &ofp.QueueGetConfigRequest{Port: 99})
	p13.write(raw)
	if e := p13.expectError(41, ofp.ETQueueOpFailed, ofp.QOFCBadPort); !bytes.Equal(e.Data, raw) {
		t.Errorf("1.3 error data % x, want the request % x", e.Data, raw)
	}

	p10 := h.mgmt(ofp.Version10)
	_, m = p10.request(&ofp.QueueGetConfigRequest10{Port: 2})
	if r, ok := m.(*ofp.QueueGetConfigReply10); !ok || r.Port != 2 || len(r.Queues) != 0 {
		t.Fatalf("1.0 port 2: %#v", m)
	}
	for _, port := range []ofp.PortNo10{99, ofp.Port10Local} {
		raw := mustMarshal(t, ofp.Version10, 42, &ofp.QueueGetConfigRequest10{Port: port})
		p10.write(raw)
		if e := p10.expectError(42, ofp.ET10QueueOpFailed, ofp.QOFC10BadPort); !bytes.Equal(e.Data, raw) {
			t.Errorf("1.0 port %s: error data % x, want the request % x", port, e.Data, raw)
		}
	}
}

// TestInteropQueueGetConfig: ovs-ofctl sees what ovs-vswitchd 3.1 shows.
func TestInteropQueueGetConfig(t *testing.T) {
	tl := ovsTool(t)
	h := newHarness(t)
	target := "unix:" + h.m.MgmtSocket()
	for _, proto := range []string{"OpenFlow10", "OpenFlow13"} {
		out, err := tl.run("-O", proto, "queue-get-config", target, "1")
		if err != nil || !strings.HasPrefix(out, "OFPT_QUEUE_GET_CONFIG_REPLY") {
			t.Errorf("%s port 1: %v\n%s", proto, err, out)
		}
		// Without a port: every port's queues (1.3: OFPP_ANY; ovs-ofctl
		// asks 1.0 switches port by port).
		out, err = tl.run("-O", proto, "queue-get-config", target)
		if err != nil || !strings.HasPrefix(out, "OFPT_QUEUE_GET_CONFIG_REPLY") {
			t.Errorf("%s all ports: %v\n%s", proto, err, out)
		}
		t.Logf("%s queue-get-config without a port:\n%s", proto, out)
		out, err = tl.run("-O", proto, "queue-get-config", target, "99")
		if err != nil || !strings.HasPrefix(out, "OFPT_ERROR") || !strings.Contains(out, "OFPQOFC_BAD_PORT") ||
			!strings.Contains(out, "OFPT_QUEUE_GET_CONFIG_REQUEST") || !strings.Contains(out, "port=99") {
			t.Errorf("%s port 99: %v\n%s", proto, err, out)
		}
	}
}

// TestConversionErrorData10: a 1.0 request that decodes but has no 1.3
// form gets its conversion's error with the request's first 64 bytes.
func TestConversionErrorData10(t *testing.T) {
	h := newHarness(t)
	p := h.mgmt(ofp.Version10)
	raw := mustMarshal(t, ofp.Version10, 43, &ofp.StatsRequest10{Type: ofp.ST10Vendor,
		Vendor: &ofp.VendorStats10{Vendor: 0x2320, Data: bytes.Repeat([]byte{0xcd}, 100)}})
	p.write(raw)
	if e := p.expectError(43, ofp.ET10BadRequest, ofp.BRC10BadVendor); !bytes.Equal(e.Data, raw[:64]) {
		t.Errorf("error data % x, want the first 64 bytes of the request", e.Data)
	}
}

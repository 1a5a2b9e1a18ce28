package connmgr

// Handling of one OpenFlow 1.3 message (spec 1.3.5 §7.3 controller-to-
// switch messages, §7.5 symmetric messages). Every message a switch does
// not accept gets an OFPT_ERROR carrying its first 64 bytes (§7.4.4); only
// errors and replies to our own requests are taken without an answer.

import (
	"errors"
	"fmt"
	"iter"
	"runtime/debug"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// handle handles one whole wire message of the session.
func (s *session) handle(raw []byte) {
	h, _ := ofp.DecodeHeader(raw)
	defer func() {
		if r := recover(); r != nil {
			// A bug, not the peer's fault; the peer still gets an answer and
			// the process keeps running.
			s.m.panics.Add(1)
			s.m.log.Error("panic handling message", "type", h.Type, "peer", s.peer, "panic", r, "stack", string(debug.Stack()))
			s.sendError(h.Xid, ofp.NewError(ofp.ETBadRequest, ofp.BRCEperm, raw), raw, false)
		}
	}()
	if h.Type == 0 {
		// A hello after the negotiation carries nothing to act on, but a
		// malformed one is still answered.
		if _, _, err := ofp.Unmarshal(raw); err != nil {
			s.sendError(h.Xid, err, raw, true)
		}
		return
	}
	if h.Version != s.version {
		e := ofp.NewError(ofp.ETBadRequest, ofp.BRCBadVersion, raw)
		e.Reason = fmt.Sprintf("%s message on an %s session", ofp.VersionString(h.Version), ofp.VersionString(s.version))
		s.sendError(h.Xid, e, raw, true)
		return
	}
	if s.version == ofp.Version10 {
		s.handle10(h, raw)
		return
	}
	s.handle13(h, raw)
}

func (s *session) handle13(h ofp.Header, raw []byte) {
	h, msg, done, err := s.ra.Add(raw)
	if err != nil {
		s.sendError(h.Xid, err, raw, false)
		return
	}
	if !done {
		return // a part of a multipart request; the last one answers
	}
	xid := h.Xid
	fail := func(err error) {
		if err != nil {
			s.sendError(xid, err, raw, false)
		}
	}
	switch m := msg.(type) {
	case *ofp.EchoRequest:
		s.send(xid, &ofp.EchoReply{Data: m.Data})
	case *ofp.EchoReply:
		// Any message proves the peer alive; readLoop noted it.
	case *ofp.Error:
		s.m.log.Debug("peer sent an error", "peer", s.peer, "error", m.Error())
	case *ofp.Experimenter:
		fail(newError(ofp.ETBadRequest, ofp.BRCBadExperimenter, "experimenter %#x: no experimenter messages are supported", m.Experimenter))
	case *ofp.FeaturesRequest:
		s.send(xid, s.m.sw.FeaturesReply())
	case *ofp.GetConfigRequest:
		s.send(xid, &ofp.GetConfigReply{SwitchConfig: s.switchConfig()})
	case *ofp.SetConfig:
		fail(s.setConfig(m.SwitchConfig))
	case *ofp.BarrierRequest:
		// Every earlier message was handled, and its replies queued, before
		// this one was read (§6.2).
		s.send(xid, &ofp.BarrierReply{})
	case *ofp.RoleRequest:
		s.roleRequest(xid, &m.Role, raw)
	case *ofp.GetAsyncRequest:
		s.send(xid, &ofp.GetAsyncReply{AsyncConfig: *s.async.Load()})
	case *ofp.SetAsync:
		c := m.AsyncConfig
		s.async.Store(&c)
	case *ofp.FlowMod:
		if len(raw) > maxFlowModLen {
			fail(newError(ofp.ETBadRequest, ofp.BRCBadLen, "flow mod of %d bytes: its flow could not be reported (a flow stats entry of that length and a reply's 16 bytes of headers exceed %d)", len(raw), ofp.MaxMessageLen))
			return
		}
		fail(s.modify(func() error { return s.flowMod(m) }))
	case *ofp.GroupMod:
		fail(s.modify(func() error { return s.m.sw.GroupMod(m) }))
	case *ofp.MeterMod:
		fail(s.modify(func() error { return s.m.sw.MeterMod(m) }))
	case *ofp.PortMod:
		fail(s.modify(func() error { return validThen(m, func() error { return s.m.sw.PortMod(m) }) }))
	case *ofp.TableMod:
		fail(s.modify(func() error { return validThen(m, func() error { return s.m.sw.TableMod(m) }) }))
	case *ofp.PacketOut:
		fail(s.modify(func() error { return s.m.sw.PacketOut(m) }))
	case *ofp.MultipartRequest:
		s.multipart(xid, m, raw)
	case *ofp.QueueGetConfigRequest:
		r, err := s.queueConfig(m)
		if err != nil {
			fail(err)
			return
		}
		s.send(xid, r)
	default:
		// Messages only a switch sends (features reply, packet-in, ...).
		fail(newError(ofp.ETBadRequest, ofp.BRCBadType, "%s is not a request a switch accepts", ofp.Name(h.Version, h.Type)))
	}
}

// modify runs a state-changing request, which a slave may not send
// (§6.3.5: packet-out, flow-mod, group-mod, port-mod, table-mod, meter-mod).
func (s *session) modify(f func() error) error {
	if s.role.Load() == ofp.RoleSlave {
		return newError(ofp.ETBadRequest, ofp.BRCIsSlave, "the controller is a slave")
	}
	return f()
}

func validThen(m interface{ Validate() error }, f func() error) error {
	if err := m.Validate(); err != nil {
		return err
	}
	return f()
}

// flowStatsMessages is implemented by a Switch (the *ofproto.Switch)
// that encodes an OpenFlow 1.3 flow-stats reply's messages itself, flow
// by flow, instead of returning a reply of every entry to split.
type flowStatsMessages interface {
	FlowStatsMessages(r *ofp.FlowStatsRequest, xid uint32) ([][]byte, error)
}

// multipart answers a whole (reassembled) multipart request, splitting a
// long reply into messages of at most 64 KiB (§7.3.5).
func (s *session) multipart(xid uint32, req *ofp.MultipartRequest, raw []byte) {
	if err := req.Validate(); err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	if tf, ok := req.Body.(*ofp.TableFeaturesRequest); ok && len(tf.Tables) > 0 && s.role.Load() == ofp.RoleSlave {
		// Setting table features changes the switch (§6.3.5).
		s.sendError(xid, newError(ofp.ETBadRequest, ofp.BRCIsSlave, "the controller is a slave"), raw, false)
		return
	}
	var parts iter.Seq2[[]byte, error]
	if fr, ok := req.Body.(*ofp.FlowStatsRequest); ok && s.version == ofp.Version13 {
		if w, ok := s.m.sw.(flowStatsMessages); ok {
			msgs, err := w.FlowStatsMessages(fr, xid)
			if e, ok := err.(*ofp.Error); ok {
				s.sendError(xid, e, raw, false)
				return
			}
			parts = func(yield func([]byte, error) bool) {
				if err != nil {
					yield(nil, err) // does not encode: as below
					return
				}
				for _, b := range msgs {
					if !yield(b, nil) {
						return
					}
				}
			}
		}
	}
	if parts == nil {
		body, err := s.m.sw.Multipart(req.Body)
		if err != nil {
			s.sendError(xid, err, raw, false)
			return
		}
		parts = ofp.SplitMultipart(s.version, xid, &ofp.MultipartReply{Body: body13(body)})
	}
	// Each part is queued once the next is encoded, so that the last one
	// is known: a large reply returns its memory before it goes out.
	sent := 0
	var held []byte
	for b, err := range parts {
		if err != nil {
			s.m.log.Error("multipart reply does not encode", "err", err)
			s.sendError(xid, newError(ofp.ETBadRequest, ofp.BRCEperm, "reply: %v", err), raw, false)
			return
		}
		if held != nil && !s.out.push(held) {
			return
		}
		sent += len(b)
		held = b
	}
	if held != nil {
		releaseBeforeLast(sent)
		s.out.push(held)
	}
}

// switchConfig is the session's get-config answer: fragments are always
// handled "normally" (see setConfig).
func (s *session) switchConfig() ofp.SwitchConfig {
	return ofp.SwitchConfig{Flags: ofp.ConfigFragNormal, MissSendLen: uint16(s.missSendLen.Load())}
}

// setConfig applies OFPT_SET_CONFIG. miss_send_len is the session's own
// (as in Open vSwitch; even a slave may set it, since it only concerns
// what the session is sent). Fragment handling other than "normal" (pass
// fragments through the tables) is refused with OFPSCFC_BAD_FLAGS rather
// than accepted and ignored: the pipeline can neither drop nor reassemble
// fragments, and neither can Open vSwitch reassemble them.
func (s *session) setConfig(c ofp.SwitchConfig) error {
	if c.Flags != ofp.ConfigFragNormal {
		return newError(ofp.ETSwitchConfigFailed, ofp.SCFCBadFlags, "flags %#x: only fragment handling \"normal\" is supported", c.Flags)
	}
	s.missSendLen.Store(uint32(c.MissSendLen))
	return nil
}

// roleRequest answers OFPT_ROLE_REQUEST (§7.3.9).
func (s *session) roleRequest(xid uint32, r *ofp.Role, raw []byte) {
	if err := r.Validate(); err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	role, gen, err := s.m.changeRole(s, r.Role, r.GenerationID)
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	s.send(xid, &ofp.RoleReply{Role: ofp.Role{Role: role, GenerationID: gen}})
}

// send queues a reply; a message that does not encode is a bug reported
// to the peer as OFPBRC_EPERM.
func (s *session) send(xid uint32, m ofp.Message) {
	b, err := ofp.Append(nil, s.version, xid, m)
	if err != nil {
		s.m.log.Error("reply does not encode", "err", err)
		b, err = ofp.Append(nil, s.version, xid, &ofp.Error{Type: ofp.ETBadRequest, Code: ofp.BRCEperm})
		if err != nil {
			return
		}
	}
	s.out.push(b)
}

// sendError queues the OFPT_ERROR for err, an *ofp.Error or any other
// failure (OFPBRC_EPERM). raw is the offending message, whose first 64
// bytes the error carries. For a 1.0 session, ofp.Error10 maps 1.3
// numbering onto 1.0's (errors of the codec's 1.0 decoders and convert10
// functions are 1.0 already); numbered10 says err was built here with
// 1.0's constants.
func (s *session) sendError(xid uint32, err error, raw []byte, numbered10 bool) {
	var e *ofp.Error
	if !errors.As(err, &e) {
		s.m.log.Warn("request failed", "peer", s.peer, "err", err)
		e = &ofp.Error{Type: ofp.ETBadRequest, Code: ofp.BRCEperm, Reason: err.Error()}
	}
	out := *e
	if len(out.Data) == 0 && raw != nil {
		out.WithData(raw)
	}
	if s.version == ofp.Version10 && !numbered10 {
		out = *ofp.Error10(&out)
	}
	v := s.version
	if v == 0 {
		v = ofp.Version13
	}
	b, err2 := ofp.Append(nil, v, xid, &out)
	if err2 != nil {
		return
	}
	s.out.push(b)
}

// maxFlowModLen is the longest flow-mod whose flow a flow stats reply can
// carry: an entry is as long as the flow-mod (the same fixed part, match
// and instructions), and one entry cannot span messages, whose headers
// (OpenFlow and multipart) take 16 bytes. A longer one would make every
// dump-flows fail.
const maxFlowModLen = ofp.MaxMessageLen - 16

func newError(t ofp.ErrorType, code uint16, format string, args ...any) *ofp.Error {
	return &ofp.Error{Type: t, Code: code, Reason: fmt.Sprintf(format, args...)}
}

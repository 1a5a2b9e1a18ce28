package connmgr

// Queue configuration requests (spec 1.3.5 §7.3.6, 1.0.0 §5.3.4). xvs
// configures no queues (QoS is not implemented), so every port has an
// empty list; a port that does not exist is OFPQOFC_BAD_PORT, as
// ovs-vswitchd 3.1 answers (checked with ovs-ofctl queue-get-config
// against it: an existing port gets an empty reply, port 99 and LOCAL the
// error).

import (
	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// queueConfig answers a 1.3 queue configuration request.
func (s *session) queueConfig(req *ofp.QueueGetConfigRequest) (*ofp.QueueGetConfigReply, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if req.Port != ofp.PortAny {
		ok, err := s.portExists(req.Port)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, newError(ofp.ETQueueOpFailed, ofp.QOFCBadPort, "queue get-config: no port %s", req.Port)
		}
	}
	return &ofp.QueueGetConfigReply{Port: req.Port}, nil
}

// queueConfig10 answers a 1.0 request through its 1.3 form, with of10's
// conversions both ways; their errors, and the 1.3 answer's, get the
// request's first 64 bytes from sendError.
func (s *session) queueConfig10(xid uint32, req *ofp.QueueGetConfigRequest10, raw []byte) {
	req13, err := req.ToQueueGetConfig()
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	reply13, err := s.queueConfig(req13)
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	reply, err := ofp.QueueGetConfigReplyTo10(reply13)
	if err != nil {
		s.sendError(xid, err, raw, false)
		return
	}
	s.send(xid, reply)
}

// portExists says whether the Switch has an OpenFlow port numbered no.
func (s *session) portExists(no ofp.PortNo) (bool, error) {
	body, err := s.m.sw.Multipart(&ofp.PortDescRequest{})
	if err != nil {
		return false, err
	}
	pd, _ := body.(*ofp.PortDescReply)
	if pd == nil {
		return false, nil
	}
	for _, p := range pd.Ports {
		if p.PortNo == no {
			return true, nil
		}
	}
	return false, nil
}

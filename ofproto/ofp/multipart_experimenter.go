package ofp

// OFPMP_EXPERIMENTER (spec 1.3.5 §7.3.5.16, struct
// ofp_experimenter_multipart_header): an experimenter id, its own type,
// and data the codec keeps opaque.

import (
	"encoding/binary"
	"fmt"
)

const experimenterMPLen = 8

// ExperimenterMultipart is the body of an OFPMP_EXPERIMENTER message.
type ExperimenterMultipart struct {
	Experimenter uint32 `json:"experimenter"`
	ExpType      uint32 `json:"exp_type"`
	Data         []byte `json:"data,omitempty"`
}

// ExperimenterRequest is the body of an OFPMP_EXPERIMENTER request.
type ExperimenterRequest struct{ ExperimenterMultipart }

// ExperimenterReply is the body of an OFPMP_EXPERIMENTER reply.
type ExperimenterReply struct{ ExperimenterMultipart }

func (e *ExperimenterMultipart) appendMP(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, e.Experimenter)
	b = binary.BigEndian.AppendUint32(b, e.ExpType)
	return append(b, e.Data...), nil
}

func (e *ExperimenterMultipart) unmarshalMP(b []byte) error {
	if len(b) < experimenterMPLen {
		return badRequest(BRCBadLen, "experimenter multipart: body %d bytes, need %d", len(b), experimenterMPLen)
	}
	e.Experimenter = binary.BigEndian.Uint32(b[0:4])
	e.ExpType = binary.BigEndian.Uint32(b[4:8])
	e.Data = cloneBytes(b[8:])
	return nil
}

// formatMP: ovs-ofctl decodes only the experimenter messages it knows;
// xvs prints the ids and the data as a hex dump.
func (e *ExperimenterMultipart) formatMP() string {
	s := fmt.Sprintf(" experimenter=0x%08x exp_type=%d", e.Experimenter, e.ExpType)
	if len(e.Data) > 0 {
		s += "\n" + hexDump(e.Data)
	}
	return s
}

package ofp

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// mutate returns a copy of the golden vector name with fn applied and the
// header's length fixed to the new size.
func mutate(t *testing.T, name string, fn func(b []byte) []byte) []byte {
	t.Helper()
	b := fn(bytes.Clone(readGolden(t, name)))
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	return b
}

func TestMultipartMalformed(t *testing.T) {
	// Offsets: the multipart body starts at 16.
	const body = multipartLen
	tests := []struct {
		name string
		msg  []byte
		et   ErrorType
		code uint16
	}{
		{"framing truncated", mutate(t, "desc_req", func(b []byte) []byte { return b[:12] }), ETBadRequest, BRCBadLen},
		{"unknown request type", mutate(t, "desc_req", func(b []byte) []byte { b[9] = 14; return b }), ETBadRequest, BRCBadMultipart},
		{"unknown reply type", mutate(t, "table_reply", func(b []byte) []byte { b[8], b[9] = 0xff, 0xfe; return b }), ETBadRequest, BRCBadMultipart},
		{"desc request with body", mutate(t, "desc_req", func(b []byte) []byte { return append(b, 0, 0, 0, 0) }), ETBadRequest, BRCBadLen},
		{"desc reply truncated", mutate(t, "desc_reply", func(b []byte) []byte { return b[:len(b)-1] }), ETBadRequest, BRCBadLen},
		{"port stats request truncated", mutate(t, "port_stats_req", func(b []byte) []byte { return b[:body+4] }), ETBadRequest, BRCBadLen},
		{"port stats reply partial entry", mutate(t, "port_stats_reply", func(b []byte) []byte { return b[:len(b)-8] }), ETBadRequest, BRCBadLen},
		{"queue request truncated", mutate(t, "queue_req", func(b []byte) []byte { return b[:body+7] }), ETBadRequest, BRCBadLen},
		{"table stats partial entry", mutate(t, "table_reply", func(b []byte) []byte { return b[:len(b)-1] }), ETBadRequest, BRCBadLen},
		{"flow request truncated", mutate(t, "flow_req", func(b []byte) []byte { return b[:body+20] }), ETBadRequest, BRCBadLen},
		{"flow request match overrun", mutate(t, "flow_req", func(b []byte) []byte { b[body+35] = 0xf0; return b }), ETBadMatch, BMCBadLen},
		{"flow request trailing bytes", mutate(t, "flow_req_all", func(b []byte) []byte { return append(b, make([]byte, 8)...) }), ETBadRequest, BRCBadLen},
		{"flow entry length overruns body", mutate(t, "flow_reply", func(b []byte) []byte { b[body] = 0x7f; return b }), ETBadRequest, BRCBadLen},
		{"flow entry length too small", mutate(t, "flow_reply", func(b []byte) []byte { b[body], b[body+1] = 0, 8; return b }), ETBadRequest, BRCBadLen},
		{"flow entry bad instruction", mutate(t, "flow_reply", func(b []byte) []byte { b[body+48+32+3] = 9; return b }), ETBadInstruction, BICBadLen},
		{"group stats entry overrun", mutate(t, "group_reply", func(b []byte) []byte { b[body+1] = 200; return b }), ETBadRequest, BRCBadLen},
		{"group stats partial bucket", mutate(t, "group_reply", func(b []byte) []byte { b[body+1] = 64; return b }), ETBadRequest, BRCBadLen},
		{"group desc entry overrun", mutate(t, "group_desc_reply", func(b []byte) []byte { b[body] = 1; return b }), ETBadRequest, BRCBadLen},
		{"group desc bad bucket", mutate(t, "group_desc_reply", func(b []byte) []byte { b[body+8+1] = 12; return b }), ETGroupModFailed, GMFCBadBucket},
		{"meter stats entry overrun", mutate(t, "meter_reply", func(b []byte) []byte { b[body+5] = 0xff; return b }), ETBadRequest, BRCBadLen},
		{"meter config unknown band", mutate(t, "meter_config_reply", func(b []byte) []byte { b[body+9] = 7; return b }), ETMeterModFailed, MMFCBadBand},
		{"group features truncated", mutate(t, "group_features_reply", func(b []byte) []byte { return b[:len(b)-4] }), ETBadRequest, BRCBadLen},
		{"meter features truncated", mutate(t, "meter_features_reply", func(b []byte) []byte { return b[:len(b)-1] }), ETBadRequest, BRCBadLen},
		{"aggregate reply truncated", mutate(t, "aggregate_reply", func(b []byte) []byte { return b[:len(b)-4] }), ETBadRequest, BRCBadLen},
		{"experimenter truncated", mutate(t, "exp_reply", func(b []byte) []byte { return b[:body+6] }), ETBadRequest, BRCBadLen},
		{"table features entry overrun", mutate(t, "table_features_req", func(b []byte) []byte { b[body], b[body+1] = 0xff, 0xf0; return b }), ETBadRequest, BRCBadLen},
		{"table features entry too short", mutate(t, "table_features_req", func(b []byte) []byte { b[body], b[body+1] = 0, 16; return b }), ETBadRequest, BRCBadLen},
		{"table features for OFPTT_ALL", mutate(t, "table_features_req", func(b []byte) []byte { b[body+2] = 0xff; return b }), ETTableFeaturesFail, TFFCBadTable},
		{"table feature property overrun", mutate(t, "table_features_req", func(b []byte) []byte { b[body+64+2] = 0x10; return b }), ETTableFeaturesFail, TFFCBadLen},
		{"table feature property too short", mutate(t, "table_features_req", func(b []byte) []byte { b[body+64+3] = 2; return b }), ETTableFeaturesFail, TFFCBadLen},
		{"table feature unknown property", mutate(t, "table_features_req", func(b []byte) []byte { b[body+64+1] = 9; return b }), ETTableFeaturesFail, TFFCBadType},
		{"table feature bad instruction id", mutate(t, "table_features_req", func(b []byte) []byte { b[body+64+7] = 6; return b }), ETTableFeaturesFail, TFFCBadLen},
		{"port desc partial port", mutate(t, "port_desc_reply", func(b []byte) []byte { return b[:len(b)-10] }), ETBadRequest, BRCBadLen},
		{"port status truncated", mutate(t, "port_status", func(b []byte) []byte { return b[:len(b)-1] }), ETBadRequest, BRCBadLen},
		{"port status too long", mutate(t, "port_status", func(b []byte) []byte { return append(b, 0) }), ETBadRequest, BRCBadLen},
		{"port mod truncated", mutate(t, "port_mod", func(b []byte) []byte { return b[:len(b)-4] }), ETBadRequest, BRCBadLen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, m, err := Unmarshal(tt.msg)
			if err == nil {
				t.Fatalf("decoded %#v", m)
			}
			wantErr(t, err, tt.et, tt.code)
			if e := err.(*Error); !bytes.Equal(e.Data, tt.msg[:min(len(tt.msg), errorDataLen)]) {
				t.Fatalf("error data %x", e.Data)
			}
		})
	}
}

func TestMultipartEncodeErrors(t *testing.T) {
	for _, m := range []Message{
		&MultipartRequest{},                        // no body
		&MultipartRequest{Body: &Desc{}},           // reply body in a request
		&MultipartReply{Body: &PortStatsRequest{}}, // request body in a reply
		&MultipartReply{Body: &Desc{MfrDesc: string(make([]byte, 256))}},
		&PortStatus{Desc: Port{Name: "a-name-of-16-chr"}},
		&MultipartReply{Body: &TableFeaturesReply{Tables: []TableFeatures{{Properties: []TableFeatureProp{{Type: 9}}}}}},
	} {
		if b, err := Marshal(Version13, 1, m); err == nil {
			t.Errorf("%#v encoded to %x", m, b)
		}
	}
}

func TestMultipartRequestValidate(t *testing.T) {
	ok := &MultipartRequest{Body: &FlowStatsRequest{TableID: tableAll, OutPort: PortAny, OutGroup: GroupAny,
		Match: NewMatch(OXMEthType(0x800), OXMIPProto(6), OXMTCPDst(80))}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (&MultipartRequest{Body: &DescRequest{}}).Validate(); err != nil {
		t.Fatal(err)
	}
	noPrereq := &MultipartRequest{Body: &AggregateRequest{FlowStatsRequest{TableID: 0, Match: NewMatch(OXMTCPDst(80))}}}
	wantErr(t, noPrereq.Validate(), ETBadMatch, BMCBadPrereq)
}

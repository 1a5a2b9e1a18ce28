package server

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// message is a JSON-RPC 1.0 message as OVSDB uses it (RFC 7047 §4): a
// request has a method and a non-null id, a notification a method and a
// null id, a response a result or error and the request's id.
type message struct {
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  json.RawMessage `json:"error,omitempty"`
}

func (m *message) isNotification() bool { return m.Method != "" && isNull(m.ID) }
func (m *message) isRequest() bool      { return m.Method != "" && !isNull(m.ID) }

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// decodeMessage parses one JSON-RPC message and checks its shape: an
// object, params (when present) an array, and either a method or a
// result/error.
func decodeMessage(data []byte) (*message, error) {
	var m message
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("invalid JSON-RPC message: %v", err)
	}
	if m.Method == "" && m.Result == nil && m.Error == nil {
		return nil, fmt.Errorf("message is neither a request nor a response")
	}
	if m.Method != "" {
		if m.Params == nil || bytes.Equal(bytes.TrimSpace(m.Params), []byte("null")) {
			return nil, fmt.Errorf("%s: \"params\" missing", m.Method)
		}
		if p := bytes.TrimSpace(m.Params); len(p) == 0 || p[0] != '[' {
			return nil, fmt.Errorf("%s: \"params\" must be an array", m.Method)
		}
	}
	if m.ID != nil {
		m.ID = compactJSON(m.ID)
	}
	return &m, nil
}

func compactJSON(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// response builds a reply; exactly one of result and rpcErr is used.
type response struct {
	ID     json.RawMessage `json:"id"`
	Result any             `json:"result"`
	Error  any             `json:"error"`
}

type notification struct {
	ID     any    `json:"id"`
	Method string `json:"method"`
	Params []any  `json:"params"`
}

// errUnknownMethod is sent as the bare string "unknown method", as
// ovsdb-server does: libovsdb falls back from monitor_cond to monitor only
// on exactly that error value.
const errUnknownMethod = "unknown method"

// rpcError is a JSON-RPC error object (RFC 7047 §4.1: error objects).
func rpcError(tag, format string, args ...any) *notation.Error {
	return notation.Errorf(tag, format, args...)
}

// params splits a request's params array.
func params(raw json.RawMessage) ([]json.RawMessage, error) {
	var p []json.RawMessage
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	return p, nil
}

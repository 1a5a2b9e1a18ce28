package client

// JSON-RPC 1.0 framing as RFC 7047 §4 uses it: a stream of JSON objects with
// no delimiter between them. A request has method, params and id; a
// notification is a request whose id is null; a response has result, error
// and the id of its request.

import (
	"encoding/json"
	"fmt"
)

// message is any of request, response or notification; which one is decided
// by the presence of "method".
type message struct {
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  json.RawMessage `json:"error,omitempty"`
	ID     json.RawMessage `json:"id"`
}

type request struct {
	Method string `json:"method"`
	Params any    `json:"params"`
	ID     any    `json:"id"`
}

type response struct {
	Result any `json:"result"`
	Error  any `json:"error"`
	ID     any `json:"id"`
}

// RPCError is a JSON-RPC error response: the server refused the request
// itself (unknown method, unknown database, bad params), as opposed to an
// operation failing inside a transaction.
type RPCError struct {
	Method string
	// Raw is the "error" member as the server sent it.
	Raw json.RawMessage
}

func (e *RPCError) Error() string {
	var s string
	if json.Unmarshal(e.Raw, &s) == nil {
		return fmt.Sprintf("%s: %s", e.Method, s)
	}
	// OVS sends {"error": "...", "details": "..."} objects.
	var o struct {
		Error   string `json:"error"`
		Details string `json:"details"`
	}
	if json.Unmarshal(e.Raw, &o) == nil && o.Error != "" {
		if o.Details != "" {
			return fmt.Sprintf("%s: %s (%s)", e.Method, o.Error, o.Details)
		}
		return fmt.Sprintf("%s: %s", e.Method, o.Error)
	}
	return fmt.Sprintf("%s: %s", e.Method, e.Raw)
}

func isNull(r json.RawMessage) bool {
	return len(r) == 0 || string(r) == "null"
}

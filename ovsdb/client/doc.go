// Package client is an OVSDB client: the JSON-RPC 1.0 protocol of RFC 7047
// §4 over a stream socket (unix: or tcp:).
//
// It owns the connection and one reader goroutine that matches responses to
// requests by id, answers the server's "echo" requests (§4.1.11) and delivers
// notifications ("update", "update2", "locked", "stolen") to the channels of
// the monitors and locks that asked for them. Every call takes a context for
// its deadline. Values travel as encoding/json raw messages: the client does
// not interpret the data notation of §5.1 on its own; Row.Decode converts a
// row into package notation's values for callers that want them.
package client

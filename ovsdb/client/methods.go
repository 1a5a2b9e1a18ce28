package client

// The database-independent methods of RFC 7047 §4.1.

import (
	"context"
	"encoding/json"
	"fmt"
)

// ListDbs returns the names of the server's databases (§4.1.1).
func (c *Client) ListDbs(ctx context.Context) ([]string, error) {
	var dbs []string
	err := c.Call(ctx, "list_dbs", nil, &dbs)
	return dbs, err
}

// GetSchema returns the schema of db as the server sent it (§4.1.2).
func (c *Client) GetSchema(ctx context.Context, db string) (json.RawMessage, error) {
	var s json.RawMessage
	err := c.Call(ctx, "get_schema", []any{db}, &s)
	return s, err
}

// Echo sends an echo request and checks that the reply carries the same
// params (§4.1.11).
func (c *Client) Echo(ctx context.Context) error {
	var got []string
	if err := c.Call(ctx, "echo", []any{"xvs"}, &got); err != nil {
		return err
	}
	if len(got) != 1 || got[0] != "xvs" {
		return fmt.Errorf("echo: reply %q does not match request", got)
	}
	return nil
}

// OperationResult is the result of one operation of a transaction
// (§5.2). Only the members that the operation's kind has are set.
type OperationResult struct {
	Count   int                          `json:"count,omitempty"`
	UUID    json.RawMessage              `json:"uuid,omitempty"` // ["uuid", "..."] of an insert
	Rows    []map[string]json.RawMessage `json:"rows,omitempty"`
	Error   string                       `json:"error,omitempty"`
	Details string                       `json:"details,omitempty"`
}

// UUIDString returns the UUID of an insert's result, or "".
func (r OperationResult) UUIDString() string {
	var u [2]string
	if json.Unmarshal(r.UUID, &u) == nil && u[0] == "uuid" {
		return u[1]
	}
	return ""
}

// TransactError says why a transaction did not commit: the first operation
// that failed (Index is its position, or -1 when the commit itself failed,
// §4.1.3: "an additional error element").
type TransactError struct {
	Index   int
	Op      string // the failed operation's "op", when known
	Err     string
	Details string
}

func (e *TransactError) Error() string {
	where := "commit"
	if e.Index >= 0 {
		where = fmt.Sprintf("operation %d", e.Index)
		if e.Op != "" {
			where += " (" + e.Op + ")"
		}
	}
	s := fmt.Sprintf("transaction failed: %s: %s", where, e.Err)
	if e.Details != "" {
		s += ": " + e.Details
	}
	return s
}

// Transact runs the operations as one transaction on db (§4.1.3). Each
// operation is any value that encodes to an operation object of §5.2. When
// any operation fails, the returned error is a *TransactError and the
// results are still returned for inspection.
func (c *Client) Transact(ctx context.Context, db string, ops ...any) ([]OperationResult, error) {
	params := append([]any{db}, ops...)
	var results []*OperationResult
	if err := c.Call(ctx, "transact", params, &results); err != nil {
		return nil, err
	}
	out := make([]OperationResult, len(results))
	var terr *TransactError
	for i, r := range results {
		if r == nil {
			// A null result: the operation was not attempted because an
			// earlier one failed.
			continue
		}
		out[i] = *r
		if r.Error != "" && terr == nil {
			terr = &TransactError{Index: i, Err: r.Error, Details: r.Details}
			if i >= len(ops) {
				terr.Index = -1
			} else {
				terr.Op = opName(ops[i])
			}
		}
	}
	if terr != nil {
		return out, terr
	}
	if len(results) < len(ops) {
		return out, fmt.Errorf("transact: %d results for %d operations", len(results), len(ops))
	}
	return out, nil
}

func opName(op any) string {
	b, err := json.Marshal(op)
	if err != nil {
		return ""
	}
	var o struct {
		Op string `json:"op"`
	}
	json.Unmarshal(b, &o)
	return o.Op
}

// Cancel asks the server to abort the outstanding request with the given id
// (§4.1.4). Call's context does this implicitly only on the client side.
func (c *Client) Cancel(id uint64) error {
	return c.write(request{Method: "cancel", Params: []any{id}, ID: nil})
}

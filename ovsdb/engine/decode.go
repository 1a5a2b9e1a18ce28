package engine

import (
	"encoding/json"

	"github.com/xvs-switch/xvs/ovsdb/notation"
)

// DecodeOperation decodes one element of a "transact" request and checks
// that the members its "op" requires are there (RFC 7047 §5.2). Values stay
// in JSON form; they are typed against the schema when the operation runs.
func DecodeOperation(raw json.RawMessage) (*notation.Operation, *notation.Error) {
	var op notation.Operation
	if err := json.Unmarshal(raw, &op); err != nil {
		return nil, notation.Errorf(notation.ErrSyntax, "operation: %v", err)
	}
	need := func(ok bool, member string) *notation.Error {
		if !ok {
			return notation.Errorf(notation.ErrSyntax, "%s operation requires %q", op.Op, member)
		}
		return nil
	}
	var errs []*notation.Error
	switch op.Op {
	case "insert":
		errs = append(errs, need(op.Table != "", "table"))
	case "select", "delete":
		errs = append(errs, need(op.Table != "", "table"), need(op.Where != nil, "where"))
	case "update":
		errs = append(errs, need(op.Table != "", "table"), need(op.Where != nil, "where"), need(op.Row != nil, "row"))
	case "mutate":
		errs = append(errs, need(op.Table != "", "table"), need(op.Where != nil, "where"), need(op.Mutations != nil, "mutations"))
	case "wait":
		errs = append(errs, need(op.Table != "", "table"), need(op.Where != nil, "where"),
			need(op.Until == "==" || op.Until == "!=", "until"), need(op.Rows != nil, "rows"))
	case "commit":
		errs = append(errs, need(op.Durable != nil, "durable"))
	case "abort":
	case "comment":
	case "assert":
		errs = append(errs, need(op.Lock != "", "lock"))
	case "":
		return nil, notation.Errorf(notation.ErrSyntax, "operation lacks \"op\"")
	default:
		return nil, notation.Errorf("unknown operation", "no operation %q", op.Op)
	}
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	return &op, nil
}

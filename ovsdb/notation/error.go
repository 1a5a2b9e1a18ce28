package notation

import "fmt"

// Error tags of RFC 7047 (§3.1 and §4.1.3, "error" members of results).
const (
	ErrReferentialIntegrity = "referential integrity violation"
	ErrConstraintViolation  = "constraint violation"
	ErrResourcesExhausted   = "resources exhausted"
	ErrIOError              = "I/O error"
	ErrDuplicateUUIDName    = "duplicate uuid-name"
	ErrDomainError          = "domain error"
	ErrRangeError           = "range error"
	ErrTimedOut             = "timed out"
	ErrNotSupported         = "not supported"
	ErrAborted              = "aborted"
	ErrNotOwner             = "not owner"
	ErrSyntax               = "syntax error"
	ErrUnknownDatabase      = "unknown database"
	ErrUnknownMethod        = "unknown method"
	ErrCanceled             = "canceled"
)

// Error is an RFC 7047 error object: {"error": tag, "details": text}.
// It is the error of a failed operation and of a failed JSON-RPC request.
type Error struct {
	Tag     string `json:"error"`
	Details string `json:"details,omitempty"`
}

func (e *Error) Error() string {
	if e.Details == "" {
		return e.Tag
	}
	return e.Tag + ": " + e.Details
}

// Errorf returns an *Error with the given tag and formatted details.
func Errorf(tag, format string, args ...any) *Error {
	return &Error{Tag: tag, Details: fmt.Sprintf(format, args...)}
}

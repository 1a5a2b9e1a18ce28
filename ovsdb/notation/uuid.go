package notation

import (
	"crypto/rand"
	"fmt"
)

// UUID is a row identifier in its canonical RFC 4122 text form
// (8-4-4-4-12 lower-case hex digits); RFC 7047 §5.1 encodes it on the wire
// as ["uuid", "<text>"].
type UUID string

// NamedUUID is the name a transaction gives a row it inserts ("uuid-name",
// RFC 7047 §5.2.1); on the wire it is ["named-uuid", "<id>"].
type NamedUUID string

// ZeroUUID is the all-zero UUID, the default value of a uuid atom.
const ZeroUUID UUID = "00000000-0000-0000-0000-000000000000"

// NewUUID returns a random (version 4) UUID.
func NewUUID() UUID {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("notation: crypto/rand failed: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return UUID(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

// ParseUUID checks that s is a UUID in 8-4-4-4-12 hex form and returns it
// lower-cased.
func ParseUUID(s string) (UUID, error) {
	if len(s) != 36 {
		return "", fmt.Errorf("%q is not a valid UUID", s)
	}
	out := []byte(s)
	for i, c := range out {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", fmt.Errorf("%q is not a valid UUID", s)
			}
			continue
		}
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			out[i] = c + 'a' - 'A'
		default:
			return "", fmt.Errorf("%q is not a valid UUID", s)
		}
	}
	return UUID(out), nil
}

// validID reports whether s is a valid <id> (RFC 7047 §3.1): a letter or
// underscore followed by letters, digits and underscores.
func validID(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// ValidID reports whether s may name a table, column or named-uuid.
func ValidID(s string) bool { return validID(s) }

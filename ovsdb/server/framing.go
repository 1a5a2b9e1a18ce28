package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// ErrMessageTooLarge is returned by splitter.next for a message longer
// than the configured limit; the stream cannot be resynchronised after it.
var ErrMessageTooLarge = errors.New("message too large")

// splitter cuts a byte stream into top-level JSON texts (RFC 7047 §4: a
// JSON-RPC session is a stream of JSON objects with no other framing). It
// tracks nesting and strings only; the texts are parsed afterwards.
type splitter struct {
	r   *bufio.Reader
	max int
	buf []byte
}

func newSplitter(r io.Reader, max int) *splitter {
	return &splitter{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next top-level object or array. The slice is valid until
// the following call.
func (s *splitter) next() ([]byte, error) {
	s.buf = s.buf[:0]
	depth := 0
	inString, escaped := false, false
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			if err == io.EOF && len(s.buf) > 0 {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if len(s.buf) == 0 {
			switch c {
			case ' ', '\t', '\r', '\n':
				continue
			case '{', '[':
			default:
				return nil, fmt.Errorf("unexpected %q between JSON-RPC messages", c)
			}
		}
		if len(s.buf) >= s.max {
			return nil, ErrMessageTooLarge
		}
		s.buf = append(s.buf, c)
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return s.buf, nil
			}
		}
	}
}

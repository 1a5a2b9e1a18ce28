package ofp

// Text and JSON forms of messages, close to `ovs-ofctl ofp-print`.

import (
	"encoding/json"
	"fmt"
	"strings"
)

// bodyFormatter is implemented by messages that print a body after the
// header line; the text starts with " " (same line) or "\n" (lines below).
type bodyFormatter interface {
	formatBody(v uint8) string
}

// messageNamer is implemented by messages that ovs-ofctl names by more
// than their OFPT_* type (the 1.0 stats messages: "OFPST_FLOW request").
type messageNamer interface {
	messageName(v uint8) string
}

// bodyAppender is implemented by messages whose body is long enough to
// be worth appending to a buffer instead of returning as a string (a
// flow-stats reply: up to 64 KiB of text).
type bodyAppender interface {
	appendBodyText(b []byte, v uint8) []byte
}

// Format prints a decoded message as `ovs-ofctl ofp-print` does:
// "OFPT_NAME (OF1.3) (xid=0x1):" followed by the body.
func Format(h Header, m Message) string { return string(AppendFormat(nil, h, m)) }

// AppendFormat appends Format's text to b: a client printing many
// messages reuses one buffer.
func AppendFormat(b []byte, h Header, m Message) []byte {
	name := Name(h.Version, h.Type)
	if h.Type == typeHello {
		name = "OFPT_HELLO"
	}
	if n, ok := m.(messageNamer); ok {
		name = n.messageName(h.Version)
	}
	if name == "" {
		name = fmt.Sprintf("OFPT_UNKNOWN_%d", h.Type)
	}
	// ovs-ofctl names the version of every message but OpenFlow 1.0's.
	if h.Version == Version10 {
		b = fmt.Appendf(b, "%s (xid=%#x):", name, h.Xid)
	} else {
		b = fmt.Appendf(b, "%s (%s) (xid=%#x):", name, VersionString(h.Version), h.Xid)
	}
	switch f := m.(type) {
	case bodyAppender:
		b = f.appendBodyText(b, h.Version)
	case bodyFormatter:
		b = append(b, f.formatBody(h.Version)...)
	}
	return b
}

// jsonMessage is the JSON form of a message.
type jsonMessage struct {
	Version string  `json:"version"`
	Type    string  `json:"type"`
	Xid     uint32  `json:"xid"`
	Length  uint16  `json:"length"`
	Body    Message `json:"body"`
}

// MarshalJSON returns the JSON form of a decoded message: its version and
// OFPT_* name, xid, length and the body's fields.
func MarshalJSON(h Header, m Message) ([]byte, error) {
	name := Name(h.Version, h.Type)
	if h.Type == typeHello {
		name = "OFPT_HELLO"
	}
	return json.Marshal(jsonMessage{VersionString(h.Version), name, h.Xid, h.Length, m})
}

// hexDump formats data as ovs-ofctl does: offset, 16 bytes in hex, and the
// printable characters.
func hexDump(data []byte) string {
	var sb strings.Builder
	for off := 0; off < len(data); off += 16 {
		end := min(off+16, len(data))
		fmt.Fprintf(&sb, "%08x ", off)
		for i := off; i < off+16; i++ {
			if i == off+8 && i < end { // ovs-ofctl drops the '-' on a short line
				sb.WriteByte('-')
			} else {
				sb.WriteByte(' ')
			}
			if i < end {
				fmt.Fprintf(&sb, "%02x", data[i])
			} else {
				sb.WriteString("  ")
			}
		}
		sb.WriteString(" |")
		for _, c := range data[off:end] {
			if c >= 0x20 && c < 0x7f {
				sb.WriteByte(c)
			} else {
				sb.WriteByte('.')
			}
		}
		sb.WriteString(strings.Repeat(" ", 16-(end-off)) + "|")
		if end < len(data) {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

func (e *Error) formatBody(v uint8) string {
	name := errorName(v, e.Type, e.Code)
	if name == "" {
		name = fmt.Sprintf("***decode error: type %d code %d***", e.Type, e.Code)
	}
	return " " + name + "\n" + formatEmbedded(e.Data)
}

// formatEmbedded prints the offending message an error carries: decoded
// when whole, else a hex dump saying how much was cut.
func formatEmbedded(data []byte) string {
	if len(data) == 0 {
		return "OpenFlow message is empty"
	}
	if h, err := DecodeHeader(data); err == nil {
		if int(h.Length) > len(data) {
			return fmt.Sprintf("%s\n(***truncated to %d bytes from %d***)\n%s",
				Format(h, nil), len(data), h.Length, hexDump(data))
		}
		if h2, m, err := Unmarshal(data[:h.Length]); err == nil {
			return Format(h2, m)
		}
	}
	return hexDump(data)
}

package ofctl

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// ofpPrint decodes one or more concatenated OpenFlow messages written in hex
// (spaces, newlines and "0x" prefixes ignored), from the argument or stdin.
func ofpPrint(e *env, args []string) error {
	var text string
	switch len(args) {
	case 0:
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return err
		}
		text = string(b)
	case 1:
		text = args[0]
	default:
		return errors.New("takes one HEX argument (or hex on stdin)")
	}
	data, err := parseHex(text)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return errors.New("no bytes to decode")
	}
	for len(data) > 0 {
		n := len(data)
		if len(data) >= ofp.HeaderLen {
			if l := int(data[2])<<8 | int(data[3]); l >= ofp.HeaderLen && l <= len(data) {
				n = l
			}
		}
		msg := data[:n]
		data = data[n:]
		h, m, err := ofp.Unmarshal(msg)
		if err != nil {
			return fmt.Errorf("%d bytes: %w", len(msg), err)
		}
		if e.json {
			j, err := ofp.MarshalJSON(h, m)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, string(j))
		} else {
			fmt.Fprintln(e.stdout, ofp.Format(h, m))
		}
	}
	return nil
}

func parseHex(s string) ([]byte, error) {
	var sb strings.Builder
	for _, f := range strings.Fields(s) {
		f = strings.TrimPrefix(strings.TrimPrefix(f, "0x"), "0X")
		sb.WriteString(f)
	}
	b, err := hex.DecodeString(sb.String())
	if err != nil {
		return nil, fmt.Errorf("bad hex: %v", err)
	}
	return b, nil
}

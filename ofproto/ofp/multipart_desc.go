package ofp

// OFPMP_DESC (spec 1.3.5 §7.3.5.1): the switch's description, struct
// ofp_desc. The request has no body.

import (
	"fmt"
	"strings"
)

// Sizes of the ofp_desc fields (DESC_STR_LEN, SERIAL_NUM_LEN).
const (
	descStrLen   = 256
	serialNumLen = 32
	descLen      = 4*descStrLen + serialNumLen
)

// DescRequest is the body of an OFPMP_DESC request.
type DescRequest struct{ mpEmpty }

// Desc is the body of an OFPMP_DESC reply: NUL-padded strings.
type Desc struct {
	MfrDesc   string `json:"mfr_desc"`
	HWDesc    string `json:"hw_desc"`
	SWDesc    string `json:"sw_desc"`
	SerialNum string `json:"serial_num"`
	DPDesc    string `json:"dp_desc"`
}

func (d *Desc) fields() []struct {
	s *string
	n int
} {
	return []struct {
		s *string
		n int
	}{{&d.MfrDesc, descStrLen}, {&d.HWDesc, descStrLen}, {&d.SWDesc, descStrLen}, {&d.SerialNum, serialNumLen}, {&d.DPDesc, descStrLen}}
}

func (d *Desc) appendMP(b []byte) ([]byte, error) {
	for _, f := range d.fields() {
		if len(*f.s) >= f.n {
			return b, fmt.Errorf("desc: %q longer than %d bytes", *f.s, f.n-1)
		}
		b = appendName(b, *f.s, f.n)
	}
	return b, nil
}

func (d *Desc) unmarshalMP(b []byte) error {
	if len(b) != descLen {
		return badRequest(BRCBadLen, "desc: body %d bytes, want %d", len(b), descLen)
	}
	for _, f := range d.fields() {
		*f.s = decodeName(b[:f.n])
		b = b[f.n:]
	}
	return nil
}

func (d *Desc) formatMP() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nManufacturer: %s", d.MfrDesc)
	fmt.Fprintf(&sb, "\nHardware: %s", d.HWDesc)
	fmt.Fprintf(&sb, "\nSoftware: %s", d.SWDesc)
	fmt.Fprintf(&sb, "\nSerial Num: %s", d.SerialNum)
	fmt.Fprintf(&sb, "\nDP Description: %s", d.DPDesc)
	return sb.String()
}

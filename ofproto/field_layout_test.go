package ofproto

import (
	"testing"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// TestMatchKeyNarrowFullMask: a mask covering all of a narrow field's bits
// (ipv6_label's 20) makes the same classifier match as no mask, so the two
// spellings are one rule, as in Open vSwitch, and print the same; a mask
// of fewer bits stays a mask.
func TestMatchKeyNarrowFullMask(t *testing.T) {
	key := func(text string) any {
		t.Helper()
		fs, err := ofp.ParseFlow(text+",actions=drop", ofp.FlowAdd)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		k, err := matchKey(&fs.Match)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		return k
	}
	exact := key("ipv6,ipv6_label=0x12345")
	if full := key("ipv6,ipv6_label=0x12345/0xfffff"); full != exact {
		t.Error("ipv6_label=0x12345/0xfffff is another match than ipv6_label=0x12345")
	}
	if part := key("ipv6,ipv6_label=0x12345/0xff"); part == exact {
		t.Error("ipv6_label=0x12345/0xff is the same match as ipv6_label=0x12345")
	}
}

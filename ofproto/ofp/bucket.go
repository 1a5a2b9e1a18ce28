package ofp

// Group buckets (spec 1.3.5 §7.3.4.2, struct ofp_bucket), shared by
// group-mod and the group-description multipart reply.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// Group ids (enum ofp_group).
const (
	GroupMax uint32 = 0xffffff00
	GroupAll uint32 = 0xfffffffc
	GroupAny uint32 = 0xffffffff
)

// bucketHeaderLen is ofp_bucket without its actions.
const bucketHeaderLen = 16

// Bucket is one ofp_bucket. WatchPort and WatchGroup matter for
// fast-failover groups (OFPP_ANY / OFPG_ANY: none).
type Bucket struct {
	Weight     uint16   `json:"weight"`
	WatchPort  PortNo   `json:"watch_port"`
	WatchGroup uint32   `json:"watch_group"`
	Actions    []Action `json:"actions"`
}

// appendBuckets appends buckets.
func appendBuckets(b []byte, bs []Bucket) ([]byte, error) {
	for i := range bs {
		k := &bs[i]
		n := bucketHeaderLen + actionsLen(k.Actions)
		if n > 0xffff {
			return b, fmt.Errorf("bucket %d: %d bytes", i, n)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(n))
		b = binary.BigEndian.AppendUint16(b, k.Weight)
		b = binary.BigEndian.AppendUint32(b, uint32(k.WatchPort))
		b = binary.BigEndian.AppendUint32(b, k.WatchGroup)
		b = appendPad4(b)
		var err error
		if b, err = appendActions(b, k.Actions); err != nil {
			return b, fmt.Errorf("bucket %d: %w", i, err)
		}
	}
	return b, nil
}

// decodeBuckets decodes a bucket list. A bucket shorter than its header,
// not a multiple of 8 or overrunning b is OFPGMFC_BAD_BUCKET; its actions
// fail as decodeActions does.
func decodeBuckets(b []byte) ([]Bucket, error) {
	var bs []Bucket
	for len(b) > 0 {
		if len(b) < bucketHeaderLen {
			return nil, errf(ETGroupModFailed, GMFCBadBucket, "bucket: %d bytes left, need %d", len(b), bucketHeaderLen)
		}
		n := int(binary.BigEndian.Uint16(b[0:2]))
		if n < bucketHeaderLen || n%8 != 0 || n > len(b) {
			return nil, errf(ETGroupModFailed, GMFCBadBucket, "bucket length %d (%d bytes left)", n, len(b))
		}
		as, err := decodeActions(b[bucketHeaderLen:n])
		if err != nil {
			return nil, err
		}
		bs = append(bs, Bucket{
			Weight:     binary.BigEndian.Uint16(b[2:4]),
			WatchPort:  PortNo(binary.BigEndian.Uint32(b[4:8])),
			WatchGroup: binary.BigEndian.Uint32(b[8:12]),
			Actions:    as,
		})
		b = b[n:]
	}
	return bs, nil
}

// formatBucket prints a bucket as ovs-ofctl does in group-mods and group
// descriptions: "bucket=weight:5,watch_port:1,actions=output:2".
func formatBucket(k *Bucket, groupType uint8) string {
	var s []string
	// ovs-ofctl leaves out a select bucket's default weight of 1.
	if groupType == GroupTypeSelect && k.Weight != 1 {
		s = append(s, fmt.Sprintf("weight:%d", k.Weight))
	}
	if k.WatchPort != PortAny {
		s = append(s, "watch_port:"+k.WatchPort.String())
	}
	if k.WatchGroup != GroupAny {
		s = append(s, fmt.Sprintf("watch_group:%d", k.WatchGroup))
	}
	s = append(s, "actions="+formatActions(k.Actions))
	return "bucket=" + strings.Join(s, ",")
}

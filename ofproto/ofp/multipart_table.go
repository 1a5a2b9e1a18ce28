package ofp

// OFPMP_TABLE (spec 1.3.5 §7.3.5.4): per-table counters, struct
// ofp_table_stats. The request has no body.

import (
	"encoding/binary"
	"fmt"
	"strings"
)

const tableStatsLen = 24

// TableStatsRequest is the body of an OFPMP_TABLE request.
type TableStatsRequest struct{ mpEmpty }

// TableStats is ofp_table_stats.
type TableStats struct {
	TableID      uint8  `json:"table_id"`
	ActiveCount  uint32 `json:"active_count"`
	LookupCount  uint64 `json:"lookup_count"`
	MatchedCount uint64 `json:"matched_count"`
}

// TableStatsReply is the body of an OFPMP_TABLE reply.
type TableStatsReply struct {
	Entries []TableStats `json:"entries"`
}

func (r *TableStatsReply) numEntries() int { return len(r.Entries) }

func (r *TableStatsReply) appendEntry(b []byte, i int) ([]byte, error) {
	e := &r.Entries[i]
	b = append(b, e.TableID, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, e.ActiveCount)
	b = binary.BigEndian.AppendUint64(b, e.LookupCount)
	return binary.BigEndian.AppendUint64(b, e.MatchedCount), nil
}

func (r *TableStatsReply) appendMP(b []byte) ([]byte, error) { return appendAll(b, r) }

func (r *TableStatsReply) unmarshalMP(b []byte) error {
	r.Entries = make([]TableStats, 0, len(b)/tableStatsLen)
	return decodeFixed(b, "table stats", tableStatsLen, func(e []byte) error {
		r.Entries = append(r.Entries, TableStats{
			TableID:      e[0],
			ActiveCount:  binary.BigEndian.Uint32(e[4:8]),
			LookupCount:  binary.BigEndian.Uint64(e[8:16]),
			MatchedCount: binary.BigEndian.Uint64(e[16:24]),
		})
		return nil
	})
}

// formatMP prints as ovs-ofctl: a run of tables whose counters equal the
// table before them prints as "ditto".
func (r *TableStatsReply) formatMP() string {
	var sb strings.Builder
	first, last := -1, -1 // run of ditto tables not yet printed
	flush := func() {
		switch {
		case first < 0:
		case first == last:
			fmt.Fprintf(&sb, "\n  table %d: ditto\n", r.Entries[first].TableID)
		default:
			fmt.Fprintf(&sb, "\n  tables %d...%d: ditto\n", r.Entries[first].TableID, r.Entries[last].TableID)
		}
		first, last = -1, -1
	}
	for i, e := range r.Entries {
		if i > 0 {
			p := r.Entries[i-1]
			if p.ActiveCount == e.ActiveCount && p.LookupCount == e.LookupCount && p.MatchedCount == e.MatchedCount {
				if first < 0 {
					first = i
				}
				last = i
				continue
			}
		}
		flush()
		fmt.Fprintf(&sb, "\n  table %d:\n    active=%d, lookup=%d, matched=%d\n", e.TableID, e.ActiveCount, e.LookupCount, e.MatchedCount)
	}
	flush()
	return strings.TrimRight(sb.String(), "\n")
}

// appendAll appends every entry of a list body.
func appendAll(b []byte, l entryList) ([]byte, error) {
	var err error
	for i, n := 0, l.numEntries(); i < n; i++ {
		if b, err = l.appendEntry(b, i); err != nil {
			return b, err
		}
	}
	return b, nil
}

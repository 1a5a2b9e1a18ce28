package ofp

// Multi-part OpenFlow 1.0 stats replies (spec 1.0.0 §5.3.5): a reply
// longer than one message is sent as several OFPT_STATS_REPLY messages of
// the same xid and type, all but the last with OFPSF_REPLY_MORE set. An
// entry is never split across parts.

import "fmt"

// Split returns m as a sequence of replies whose encodings (header
// included) are at most limit bytes each; limit 0 means 65535, the
// largest message. All parts but the last have SF10ReplyMore set, the
// last has it clear. Only the list-valued types (flow, table, port,
// queue) split; other types return one part. An entry that cannot fit in
// a part of its own is an error.
func (m *StatsReply10) Split(limit int) ([]*StatsReply10, error) {
	if limit <= 0 || limit > MaxMessageLen {
		limit = MaxMessageLen
	}
	room := limit - statsHeader10Len
	var sizes []int
	switch m.Type {
	case ST10Flow:
		for i := range m.Flows {
			sizes = append(sizes, m.Flows[i].wireLen())
		}
	case ST10Table:
		sizes = repeatSize10(tableStats10Len, len(m.Tables))
	case ST10Port:
		sizes = repeatSize10(portStats10Len, len(m.Ports))
	case ST10Queue:
		sizes = repeatSize10(queueStats10Len, len(m.Queues))
	case ST10PortDesc:
		sizes = repeatSize10(Port10Len, len(m.PortDesc))
	default:
		one := *m
		one.Flags &^= SF10ReplyMore
		return []*StatsReply10{&one}, nil
	}
	var parts []*StatsReply10
	start, used := 0, 0
	for i, n := range sizes {
		if n > room {
			return nil, fmt.Errorf("%s reply: entry %d of %d bytes does not fit in a %d-byte message", statsName10(m.Type), i, n, limit)
		}
		if used+n > room {
			parts = append(parts, m.slice(start, i, true))
			start, used = i, 0
		}
		used += n
	}
	return append(parts, m.slice(start, len(sizes), false)), nil
}

func repeatSize10(n, count int) []int {
	s := make([]int, count)
	for i := range s {
		s[i] = n
	}
	return s
}

// slice returns a reply holding entries [i, j) of m's list.
func (m *StatsReply10) slice(i, j int, more bool) *StatsReply10 {
	p := &StatsReply10{Type: m.Type, Flags: m.Flags &^ SF10ReplyMore}
	if more {
		p.Flags |= SF10ReplyMore
	}
	switch m.Type {
	case ST10Flow:
		p.Flows = m.Flows[i:j:j]
	case ST10Table:
		p.Tables = m.Tables[i:j:j]
	case ST10Port:
		p.Ports = m.Ports[i:j:j]
	case ST10Queue:
		p.Queues = m.Queues[i:j:j]
	case ST10PortDesc:
		p.PortDesc = m.PortDesc[i:j:j]
	}
	if i == j { // an empty reply: keep lists nil as decoding does
		p.Flows, p.Tables, p.Ports, p.Queues, p.PortDesc = nil, nil, nil, nil, nil
	}
	return p
}

// AppendStatsReply10 encodes m as one or more OFPT_STATS_REPLY messages
// of the given xid, split as Split(0) does, appended to dst.
func AppendStatsReply10(dst []byte, xid uint32, m *StatsReply10) ([]byte, error) {
	parts, err := m.Split(0)
	if err != nil {
		return dst, err
	}
	for _, p := range parts {
		if dst, err = Append(dst, Version10, xid, p); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// maxAssembledEntries10 bounds how many entries a reassembled reply may
// hold, so that a peer that never clears SF10ReplyMore cannot make the
// assembler grow without bound.
const maxAssembledEntries10 = 1 << 20

// StatsAssembler10 joins the parts of multi-part stats replies, keyed by
// xid. The zero value is ready to use; it is not safe for concurrent use.
type StatsAssembler10 struct {
	pending map[uint32]*StatsReply10
}

// Add takes one received part. It returns the whole reply once the part
// without SF10ReplyMore arrives, and nil before. A part whose type
// differs from the earlier parts of its xid, or a join that grows too
// large, is an error and drops what was collected for the xid.
func (a *StatsAssembler10) Add(xid uint32, part *StatsReply10) (*StatsReply10, error) {
	acc := a.pending[xid]
	if acc == nil {
		// Copy the lists so that appending later parts never writes
		// into the caller's arrays.
		acc = &StatsReply10{Type: part.Type, Flags: part.Flags, Desc: part.Desc, Aggregate: part.Aggregate,
			Vendor: part.Vendor, Flows: cloneSlice10(part.Flows), Tables: cloneSlice10(part.Tables),
			Ports: cloneSlice10(part.Ports), Queues: cloneSlice10(part.Queues), PortDesc: cloneSlice10(part.PortDesc)}
	} else {
		if err := acc.join(part); err != nil {
			delete(a.pending, xid)
			return nil, err
		}
	}
	if part.Flags&SF10ReplyMore != 0 {
		if a.pending == nil {
			a.pending = make(map[uint32]*StatsReply10)
		}
		a.pending[xid] = acc
		return nil, nil
	}
	delete(a.pending, xid)
	acc.Flags &^= SF10ReplyMore
	return acc, nil
}

// Pending reports how many replies are waiting for more parts.
func (a *StatsAssembler10) Pending() int { return len(a.pending) }

// Drop forgets the parts collected for xid (e.g. when a request times out).
func (a *StatsAssembler10) Drop(xid uint32) { delete(a.pending, xid) }

// JoinStatsReplies10 joins the parts of one multi-part reply, which must
// all have the same type, with SF10ReplyMore set on all but the last.
func JoinStatsReplies10(parts []*StatsReply10) (*StatsReply10, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("stats reply: no parts")
	}
	var a StatsAssembler10
	for i, p := range parts {
		last := i == len(parts)-1
		if more := p.Flags&SF10ReplyMore != 0; more == last {
			return nil, fmt.Errorf("stats reply: part %d of %d: more flag is %v", i+1, len(parts), more)
		}
		whole, err := a.Add(0, p)
		if err != nil || last {
			return whole, err
		}
	}
	return nil, fmt.Errorf("stats reply: incomplete")
}

func cloneSlice10[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append([]T(nil), s...)
}

// join appends the entries of part to acc.
func (acc *StatsReply10) join(part *StatsReply10) error {
	if part.Type != acc.Type {
		return fmt.Errorf("stats reply: part of type %s follows parts of type %s", statsName10(part.Type), statsName10(acc.Type))
	}
	switch acc.Type {
	case ST10Flow:
		acc.Flows = append(acc.Flows, part.Flows...)
	case ST10Table:
		acc.Tables = append(acc.Tables, part.Tables...)
	case ST10Port:
		acc.Ports = append(acc.Ports, part.Ports...)
	case ST10Queue:
		acc.Queues = append(acc.Queues, part.Queues...)
	case ST10PortDesc:
		acc.PortDesc = append(acc.PortDesc, part.PortDesc...)
	case ST10Vendor:
		if acc.Vendor == nil || part.Vendor == nil || acc.Vendor.Vendor != part.Vendor.Vendor {
			return fmt.Errorf("stats reply: vendor parts of different vendors")
		}
		v := *acc.Vendor
		v.Data = append(append([]byte(nil), v.Data...), part.Vendor.Data...)
		acc.Vendor = &v
	default:
		return fmt.Errorf("stats reply: %s replies come in one part", statsName10(acc.Type))
	}
	if len(acc.Flows)+len(acc.Tables)+len(acc.Ports)+len(acc.Queues)+len(acc.PortDesc) > maxAssembledEntries10 ||
		(acc.Vendor != nil && len(acc.Vendor.Data) > maxAssembledEntries10*8) {
		return fmt.Errorf("stats reply: more than %d entries", maxAssembledEntries10)
	}
	return nil
}

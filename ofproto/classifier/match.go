package classifier

// Words is the size of a key in 64-bit words.
const Words = 24

// Key is a packet's (or a rule's) field vector.
type Key [Words]uint64

// And returns k & m.
func (k Key) And(m Key) Key {
	for i := range k {
		k[i] &= m[i]
	}
	return k
}

// Or returns k | m.
func (k Key) Or(m Key) Key {
	for i := range k {
		k[i] |= m[i]
	}
	return k
}

// Match is a wildcard match: a key matches when it equals Value on every
// bit set in Mask. Value has no bits outside Mask (NewMatch ensures it).
type Match struct {
	Value Key
	Mask  Key
}

// NewMatch returns the match of value under mask, clearing value's bits
// outside the mask.
func NewMatch(value, mask Key) Match {
	return Match{Value: value.And(mask), Mask: mask}
}

// Matches reports whether key k satisfies m.
func (m *Match) Matches(k *Key) bool {
	for i := range k {
		if k[i]&m.Mask[i] != m.Value[i] {
			return false
		}
	}
	return true
}

// Overlaps reports whether some key satisfies both m and o: they agree on
// every bit both masks constrain.
func (m *Match) Overlaps(o *Match) bool {
	for i := range m.Value {
		if (m.Value[i]^o.Value[i])&m.Mask[i]&o.Mask[i] != 0 {
			return false
		}
	}
	return true
}

// Covers reports whether every key satisfying o also satisfies m: m's mask
// is a subset of o's and they agree on it. This is the selection of
// OpenFlow's non-strict modify and delete.
func (m *Match) Covers(o *Match) bool {
	for i := range m.Value {
		if m.Mask[i]&^o.Mask[i] != 0 || (m.Value[i]^o.Value[i])&m.Mask[i] != 0 {
			return false
		}
	}
	return true
}

package group

// OFPT_GROUP_MOD handling (OpenFlow 1.3.5 §6.5, §7.3.4.2; errors §7.4.4).

import (
	"errors"
	"fmt"
	"slices"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// Result says what a group-mod changed.
type Result struct {
	// Changed lists, in increasing order, every group whose forwarding may
	// differ now: the added, modified or deleted groups and every group
	// that forwards to or watches one of them, directly or through other
	// groups. Cache entries that went through any of them must be
	// revalidated.
	Changed []uint32
	// Deleted lists the removed groups. §6.5: "the group is removed, and
	// all flow entries containing this group in a Group action are also
	// removed" — ofproto removes those flows.
	Deleted []uint32
}

func gmErr(code uint16, format string, args ...any) *ofp.Error {
	return &ofp.Error{Type: ofp.ETGroupModFailed, Code: code, Reason: fmt.Sprintf(format, args...)}
}

func actErr(code uint16, format string, args ...any) *ofp.Error {
	return &ofp.Error{Type: ofp.ETBadAction, Code: code, Reason: fmt.Sprintf(format, args...)}
}

// Mod applies an OFPT_GROUP_MOD and returns the groups whose forwarding
// changed (see Result.Changed). validPort says whether a port may be named
// by an output action or a watch_port; nil accepts every port. Errors are
// *ofp.Error with the spec's type and code; on error the table is
// unchanged.
func (t *Table) Mod(gm *ofp.GroupMod, validPort func(ofp.PortNo) bool) (changed []uint32, err error) {
	r, err := t.Apply(gm, validPort)
	return r.Changed, err
}

// Apply is Mod returning the deleted groups as well.
func (t *Table) Apply(gm *ofp.GroupMod, validPort func(ofp.PortNo) bool) (Result, error) {
	if gm == nil {
		return Result{}, gmErr(ofp.GMFCBadCommand, "no group-mod")
	}
	// The decoder already ran these checks on messages from the wire;
	// running them again makes hand-built group-mods (vswitchd, tests)
	// get the same answers.
	if err := gm.Validate(); err != nil {
		var oe *ofp.Error
		if errors.As(err, &oe) {
			return Result{}, oe
		}
		return Result{}, gmErr(ofp.GMFCBadBucket, "%v", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch gm.Command {
	case ofp.GroupAdd:
		if t.groups[gm.GroupID] != nil {
			return Result{}, gmErr(ofp.GMFCGroupExists, "group %d exists", gm.GroupID)
		}
		if len(t.groups) >= t.maxGroups {
			return Result{}, gmErr(ofp.GMFCOutOfGroups, "group table full (%d groups)", t.maxGroups)
		}
		return t.store(gm, validPort)
	case ofp.GroupModify:
		if t.groups[gm.GroupID] == nil {
			return Result{}, gmErr(ofp.GMFCUnknownGroup, "no group %d to modify", gm.GroupID)
		}
		return t.store(gm, validPort)
	default: // ofp.GroupDelete; Validate refused other commands
		return t.delete(gm.GroupID)
	}
}

// store checks a group for add or modify and puts it in the table.
func (t *Table) store(gm *ofp.GroupMod, validPort func(ofp.PortNo) bool) (Result, error) {
	if len(gm.Buckets) > t.maxBuckets {
		return Result{}, gmErr(ofp.GMFCOutOfBuckets, "%d buckets, at most %d", len(gm.Buckets), t.maxBuckets)
	}
	g := &Group{
		ID:      gm.GroupID,
		Type:    gm.Type,
		Buckets: cloneBuckets(gm.Buckets),
		Created: t.now(),
	}
	g.buckets = make([]bucketCounter, len(g.Buckets))
	for i := range g.Buckets {
		if err := t.checkBucket(g, i, validPort); err != nil {
			return Result{}, err
		}
	}
	old := t.groups[g.ID]
	t.groups[g.ID] = g
	if err := t.checkChains(g.ID); err != nil {
		if old != nil {
			t.groups[g.ID] = old
		} else {
			delete(t.groups, g.ID)
		}
		return Result{}, err
	}
	return Result{Changed: t.dependents([]uint32{g.ID})}, nil
}

// checkBucket validates bucket i of g and records the groups it names.
func (t *Table) checkBucket(g *Group, i int, validPort func(ofp.PortNo) bool) error {
	k := &g.Buckets[i]
	// §5.6.1: watch_port and watch_group are "only required for fast
	// failover groups, and may be optionally implemented for other group
	// types". xvs honours them in select groups (OFPGFC_SELECT_LIVENESS)
	// and refuses them where they would be silently ignored.
	watched := k.WatchPort != ofp.PortAny || k.WatchGroup != ofp.GroupAny
	if watched && g.Type != ofp.GroupTypeFastFailover && g.Type != ofp.GroupTypeSelect {
		return gmErr(ofp.GMFCWatchUnsupported, "bucket %d: watch in a group of type %d", i, g.Type)
	}
	if k.WatchPort != ofp.PortAny {
		p := k.WatchPort
		if (p > ofp.PortMax && p != ofp.PortLocal) || p == 0 || (validPort != nil && !validPort(p)) {
			return gmErr(ofp.GMFCBadWatch, "bucket %d: watch_port %s", i, p)
		}
	}
	if w := k.WatchGroup; w != ofp.GroupAny {
		if w > ofp.GroupMax || w == g.ID || t.groups[w] == nil {
			return gmErr(ofp.GMFCBadWatch, "bucket %d: watch_group %#x", i, w)
		}
		if !slices.Contains(g.watches, w) {
			g.watches = append(g.watches, w)
		}
	}
	// §6.5: "The action set for each bucket must be validated using the
	// same rules as those for flow mods": outputs to existing ports, groups
	// that exist.
	for _, a := range k.Actions {
		switch a := a.(type) {
		case *ofp.ActionOutput:
			if a.Port <= ofp.PortMax && validPort != nil && !validPort(a.Port) {
				return actErr(ofp.BACBadOutPort, "bucket %d: output to port %s", i, a.Port)
			}
			if a.Port == ofp.PortTable {
				// OFPP_TABLE is only valid in a packet-out's actions (§7.2.1).
				return actErr(ofp.BACBadOutPort, "bucket %d: output to TABLE", i)
			}
		case *ofp.ActionGroup:
			if a.GroupID == g.ID {
				return gmErr(ofp.GMFCLoop, "bucket %d: group %d forwards to itself", i, g.ID)
			}
			if t.groups[a.GroupID] == nil {
				return actErr(ofp.BACBadOutGroup, "bucket %d: group %d does not exist", i, a.GroupID)
			}
			if !slices.Contains(g.forwards, a.GroupID) {
				g.forwards = append(g.forwards, a.GroupID)
			}
		}
	}
	return nil
}

// checkChains refuses a table in which group id takes part in a cycle of
// group actions (OFPGMFC_LOOP) or starts or extends a chain deeper than
// MaxChainDepth (OFPGMFC_CHAINING_UNSUPPORTED). Only chains through id can
// have changed, so it looks at the groups id reaches and those reaching id.
func (t *Table) checkChains(id uint32) error {
	// Depth-first search from id over forwarding edges; a group on the
	// current path reached again is a cycle.
	onPath := map[uint32]bool{}
	var down func(g uint32, depth int) (int, error)
	down = func(g uint32, depth int) (int, error) {
		if onPath[g] {
			return 0, gmErr(ofp.GMFCLoop, "group %d would form a loop through group %d", id, g)
		}
		grp := t.groups[g]
		if grp == nil {
			return 0, nil
		}
		if depth > MaxChainDepth {
			return 0, gmErr(ofp.GMFCChainingUnsupported, "group chain through %d deeper than %d", id, MaxChainDepth)
		}
		onPath[g] = true
		defer delete(onPath, g)
		longest := 0
		for _, f := range grp.forwards {
			n, err := down(f, depth+1)
			if err != nil {
				return 0, err
			}
			longest = max(longest, n)
		}
		return longest + 1, nil
	}
	below, err := down(id, 1)
	if err != nil {
		return err
	}
	// A cycle through id would have been found above (id is on the path);
	// what is left is the depth of chains that now run through id.
	above := t.heightAbove(id)
	if above+below > MaxChainDepth {
		return gmErr(ofp.GMFCChainingUnsupported, "group chain through %d is %d groups deep, at most %d", id, above+below, MaxChainDepth)
	}
	return nil
}

// heightAbove is the longest chain of groups forwarding to id, not counting
// id. The graph is acyclic when it is called.
func (t *Table) heightAbove(id uint32) int {
	parents := t.forwardersIndex()
	memo := map[uint32]int{}
	var up func(g uint32, depth int) int
	up = func(g uint32, depth int) int {
		if v, ok := memo[g]; ok {
			return v
		}
		if depth > MaxChainDepth+1 {
			return depth // deep enough to refuse; also stops runaway recursion
		}
		best := 0
		for _, p := range parents[g] {
			best = max(best, 1+up(p, depth+1))
		}
		memo[g] = best
		return best
	}
	return up(id, 0)
}

// forwardersIndex maps each group to the groups that forward to it.
func (t *Table) forwardersIndex() map[uint32][]uint32 {
	idx := map[uint32][]uint32{}
	for id, g := range t.groups {
		for _, f := range g.forwards {
			idx[f] = append(idx[f], id)
		}
	}
	return idx
}

// dependents returns ids and every group that forwards to or watches one
// of them, transitively, sorted.
func (t *Table) dependents(ids []uint32) []uint32 {
	up := map[uint32][]uint32{}
	for id, g := range t.groups {
		for _, f := range g.forwards {
			up[f] = append(up[f], id)
		}
		for _, w := range g.watches {
			up[w] = append(up[w], id)
		}
	}
	seen := map[uint32]bool{}
	var out []uint32
	stack := slices.Clone(ids)
	for len(stack) > 0 {
		g := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[g] {
			continue
		}
		seen[g] = true
		out = append(out, g)
		stack = append(stack, up[g]...)
	}
	slices.Sort(out)
	return out
}

// delete removes group id, or every group for OFPG_ALL. §6.5: deleting a
// group that does not exist is not an error and changes nothing. A group
// that another (remaining) group forwards to is not deleted:
// OFPGMFC_CHAINED_GROUP, "Group not deleted because another group is
// forwarding to it" (§7.4.4).
func (t *Table) delete(id uint32) (Result, error) {
	if id == ofp.GroupAll {
		ids := t.sortedIDs()
		clear(t.groups)
		return Result{Changed: ids, Deleted: ids}, nil
	}
	if t.groups[id] == nil {
		return Result{}, nil
	}
	if refs := t.forwardersIndex()[id]; len(refs) > 0 {
		slices.Sort(refs)
		return Result{}, gmErr(ofp.GMFCChainedGroup, "group %d is forwarded to by group %d", id, refs[0])
	}
	changed := t.dependents([]uint32{id})
	delete(t.groups, id)
	return Result{Changed: changed, Deleted: []uint32{id}}, nil
}

// Referencing returns, in increasing order, the groups whose buckets
// forward to group id directly.
func (t *Table) Referencing(id uint32) []uint32 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	refs := t.forwardersIndex()[id]
	slices.Sort(refs)
	return refs
}

// Dependents returns ids and every group that forwards to or watches one of
// them, directly or through other groups, in increasing order.
func (t *Table) Dependents(ids ...uint32) []uint32 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var present []uint32
	for _, id := range ids {
		if t.groups[id] != nil {
			present = append(present, id)
		}
	}
	return t.dependents(present)
}

func cloneBuckets(bs []ofp.Bucket) []ofp.Bucket {
	out := make([]ofp.Bucket, len(bs))
	for i, b := range bs {
		out[i] = b
		out[i].Actions = slices.Clone(b.Actions)
	}
	return out
}

package datapath

// PutEach is PutBatch for a datapath without a batched insert: Put for
// every entry in turn.
func PutEach(dp Datapath, puts []FlowPut) []error {
	errs := make([]error, len(puts))
	for i := range puts {
		errs[i] = dp.Put(puts[i].Key, puts[i].Actions, puts[i].Flags)
	}
	return errs
}

// DeleteEach is DeleteBatch for a datapath without a batched delete.
func DeleteEach(dp Datapath, keys []FlowKey) ([]FlowStats, []error) {
	stats := make([]FlowStats, len(keys))
	errs := make([]error, len(keys))
	for i := range keys {
		stats[i], errs[i] = dp.Delete(keys[i])
	}
	return stats, errs
}

// DumpStatsOf is DumpStats for a datapath whose Dump is no dearer: the
// keys and counters of Dump's batches.
func DumpStatsOf(dp Datapath, batch int, fn func(keys []FlowKey, stats []FlowStats) error) error {
	return dp.Dump(batch, func(fs []Flow) error {
		keys := make([]FlowKey, len(fs))
		stats := make([]FlowStats, len(fs))
		for i := range fs {
			keys[i], stats[i] = fs[i].Key, fs[i].Stats
		}
		return fn(keys, stats)
	})
}

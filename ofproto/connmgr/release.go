package connmgr

import (
	"runtime/debug"
	"sync/atomic"
)

// releaseThreshold is the size of a multipart reply after which the
// memory it used is handed back to the operating system at once. A dump
// of 100,000 flows builds ~10 MB of messages, garbage once written (and
// the add-flows before it left more); without this the heap the dump grew
// stays resident until the runtime's background scavenger returns it
// (minutes), and vswitchd's resident size after a dump-flows is well above
// what it needs. A smaller reply is not worth the forced collection.
const releaseThreshold = 4 << 20

// releasing is set while a release runs: replies finishing meanwhile need
// no second one.
var releasing atomic.Bool

// releaseBeforeLast returns freed memory to the OS (debug.FreeOSMemory: a
// collection, then the scavenger) when a reply of sent bytes is about to
// send its last part. It runs in the session's goroutine, before that
// part is queued: when the requester has the whole reply, the memory the
// reply used (all but the parts still queued, at most the queue's 4 MB)
// is back with the OS. Run in the background after the last part, as it
// was, the collection often finished after the requester was done (a
// 100,000-flow dump now takes ~0.15 s), and vswitchd looked ~20 MB
// larger than it was about to be.
func releaseBeforeLast(sent int) {
	if sent < releaseThreshold || !releasing.CompareAndSwap(false, true) {
		return
	}
	defer releasing.Store(false)
	debug.FreeOSMemory()
}

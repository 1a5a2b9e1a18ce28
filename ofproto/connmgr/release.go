package connmgr

import (
	"runtime/debug"
	"sync/atomic"
)

// releaseThreshold is the size of a multipart reply after which the
// memory it used is handed back to the operating system at once. A dump
// of 100,000 flows builds ~13 MB of entries and messages that are garbage
// the moment the last message is queued; without this the heap the dump
// grew stays resident until the runtime's background scavenger returns it
// (minutes), and vswitchd's resident size after a dump-flows is well above
// what it needs. A smaller reply is not worth the forced collection.
const releaseThreshold = 4 << 20

// releasing is set while a release runs: replies finishing meanwhile need
// no second one.
var releasing atomic.Bool

// releaseAfterReply returns freed memory to the OS (debug.FreeOSMemory: a
// collection, then the scavenger) after a reply of sent bytes, in the
// background so that the session goes on reading.
func releaseAfterReply(sent int) {
	if sent < releaseThreshold || !releasing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer releasing.Store(false)
		debug.FreeOSMemory()
	}()
}

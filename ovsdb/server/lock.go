package server

import "sync"

// lockTable is the server's named locks (RFC 7047 §4.1.8-§4.1.10). Each
// lock has at most one owner and a queue of waiting sessions.
type lockTable struct {
	mu    sync.Mutex // protects locks
	locks map[string]*lockState
}

type lockState struct {
	owner   *session
	waiters []*session
}

func newLockTable() *lockTable { return &lockTable{locks: map[string]*lockState{}} }

// holds reports whether s owns the named lock.
func (lt *lockTable) holds(s *session, name string) bool {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	l := lt.locks[name]
	return l != nil && l.owner == s
}

// involved reports whether s owns or waits for the lock.
func (lt *lockTable) involved(s *session, name string) bool {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	l := lt.locks[name]
	if l == nil {
		return false
	}
	if l.owner == s {
		return true
	}
	for _, w := range l.waiters {
		if w == s {
			return true
		}
	}
	return false
}

// lock makes s the owner when the lock is free, else queues it.
func (lt *lockTable) lock(s *session, name string) bool {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	l := lt.locks[name]
	if l == nil {
		lt.locks[name] = &lockState{owner: s}
		return true
	}
	l.waiters = append(l.waiters, s)
	return false
}

// steal makes s the owner at once and returns the previous owner (to be
// told "stolen"), nil when there was none.
func (lt *lockTable) steal(s *session, name string) *session {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	l := lt.locks[name]
	if l == nil {
		lt.locks[name] = &lockState{owner: s}
		return nil
	}
	l.waiters = removeSession(l.waiters, s)
	prev := l.owner
	l.owner = s
	if prev == s {
		return nil
	}
	return prev
}

// unlock drops s's ownership or place in the queue and returns the session
// that now owns the lock (to be told "locked"), nil when none.
func (lt *lockTable) unlock(s *session, name string) *session {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	l := lt.locks[name]
	if l == nil {
		return nil
	}
	l.waiters = removeSession(l.waiters, s)
	if l.owner != s && l.owner != nil {
		return nil
	}
	l.owner = nil
	if len(l.waiters) == 0 {
		delete(lt.locks, name)
		return nil
	}
	l.owner, l.waiters = l.waiters[0], l.waiters[1:]
	return l.owner
}

func removeSession(list []*session, s *session) []*session {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

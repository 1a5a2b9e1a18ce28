package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Store is an open database file.
type Store struct {
	db *bolt.DB

	// mu serialises commits with the flusher and Close, and guards the
	// fields below.
	mu      sync.Mutex
	noSync  bool          // SetNoSync: never sync (tests, bulk loads)
	every   time.Duration // how long after a lazy commit the flusher syncs
	dirty   bool          // a commit since the last sync was not synced
	lazyGen uint64        // counts lazy commits, so a sync knows what it covered
	flushCh chan struct{} // wakes the flusher; nil until the first lazy commit
	stop    chan struct{} // closed by Close
	done    chan struct{} // closed when the flusher has returned
}

// FlushInterval bounds how long a commit that did not ask to be synced
// stays in the page cache only: the flusher syncs the file at most this
// long after such a commit.
const FlushInterval = 500 * time.Millisecond

// Record is one key/value in a collection. A nil Value in Batch.Deletes is
// ignored.
type Record struct {
	Collection string
	Key        []byte
	Value      []byte
}

// Batch is a set of changes applied atomically by Commit.
type Batch struct {
	Meta    map[string][]byte
	Puts    []Record
	Deletes []Record
	// Sync makes Commit sync the file before it returns. Without it the
	// batch is written to the file (so it survives the process being
	// killed) and synced by the flusher within FlushInterval.
	Sync bool
}

// ErrLocked is returned by Open when another process holds the file.
var ErrLocked = errors.New("database file is locked by another process")

// Open opens or creates the file at path with mode 0600. It waits at most
// lockWait for another process's lock on the file to go away.
func Open(path string, lockWait time.Duration) (*Store, error) {
	if lockWait <= 0 {
		lockWait = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("storage: open %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	s := &Store{db: db, every: FlushInterval, stop: make(chan struct{}), done: make(chan struct{})}
	// bbolt syncs the file at each commit but never its directory: sync it
	// once so that a newly created file's name survives a crash too.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketCollections); err != nil {
			return err
		}
		switch v := meta.Get(keyFormat); {
		case v == nil:
			return meta.Put(keyFormat, []byte(FormatVersion))
		case string(v) != FormatVersion:
			return fmt.Errorf("file format %q, this program reads %q", v, FormatVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	return s, nil
}

// Close closes the file. It is safe to call more than once.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.db == nil {
		s.mu.Unlock()
		return nil
	}
	started := s.flushCh != nil
	close(s.stop)
	s.mu.Unlock()
	if started {
		<-s.done
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if s.dirty && !s.noSync {
		err = s.db.Sync()
	}
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	s.db = nil
	return err
}

// Path returns the file name.
func (s *Store) Path() string { return s.db.Path() }

// Meta returns a metadata value, nil when absent.
func (s *Store) Meta(key string) ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get([]byte(key)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}

// ForEach calls fn for every record of every collection. The slices are
// valid only during the call.
func (s *Store) ForEach(fn func(collection string, key, value []byte) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCollections).ForEachBucket(func(name []byte) error {
			b := tx.Bucket(bucketCollections).Bucket(name)
			return b.ForEach(func(k, v []byte) error { return fn(string(name), k, v) })
		})
	})
}

// Commit applies a batch in one write transaction. When it returns nil the
// changes are in the file: a later Open sees them even if this process is
// killed, as the kernel's page cache holds them; with b.Sync they are on
// disk too, otherwise the flusher syncs them within FlushInterval. bbolt
// writes the data pages before the meta page that points to them, so a
// process killed inside Commit leaves the previous state. On error nothing
// of the batch is applied.
func (s *Store) Commit(b *Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return errors.New("storage: commit: store is closed")
	}
	lazy := !b.Sync && !s.noSync
	s.db.NoSync = lazy || s.noSync
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		for k, v := range b.Meta {
			if k == string(keyFormat) {
				return fmt.Errorf("meta key %q is reserved", k)
			}
			if err := meta.Put([]byte(k), v); err != nil {
				return err
			}
		}
		cols := tx.Bucket(bucketCollections)
		for _, r := range b.Deletes {
			if c := cols.Bucket([]byte(r.Collection)); c != nil {
				if err := c.Delete(r.Key); err != nil {
					return err
				}
			}
		}
		for _, r := range b.Puts {
			c, err := cols.CreateBucketIfNotExists([]byte(r.Collection))
			if err != nil {
				return fmt.Errorf("collection %q: %w", r.Collection, err)
			}
			if err := c.Put(r.Key, r.Value); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	switch {
	case lazy:
		s.dirty = true
		s.lazyGen++
		s.wakeFlusher()
	case !s.noSync:
		// This commit's sync covered the earlier lazy ones too.
		s.dirty = false
	}
	return nil
}

// wakeFlusher starts the flusher on first use and tells it a lazy commit
// happened. s.mu is held.
func (s *Store) wakeFlusher() {
	if s.flushCh == nil {
		s.flushCh = make(chan struct{}, 1)
		go s.flusher()
	}
	select {
	case s.flushCh <- struct{}{}:
	default:
	}
}

// flusher syncs the file after lazy commits, at most once per
// FlushInterval, so that a burst of commits costs one sync.
func (s *Store) flusher() {
	defer close(s.done)
	for {
		select {
		case <-s.stop:
			return
		case <-s.flushCh:
		}
		s.mu.Lock()
		every := s.every
		s.mu.Unlock()
		select {
		case <-s.stop:
			return
		case <-time.After(every):
		}
		s.flush()
	}
}

// flush is Sync for the flusher, without holding s.mu during the
// fdatasync, so that commits do not wait for it. Close waits for the
// flusher to return before it closes the file, so the file stays open. A
// lazy commit that lands during the fdatasync keeps the store dirty.
func (s *Store) flush() {
	s.mu.Lock()
	if s.db == nil || !s.dirty || s.noSync {
		s.mu.Unlock()
		return
	}
	db, gen := s.db, s.lazyGen
	s.mu.Unlock()
	if err := db.Sync(); err != nil {
		return // stays dirty: the next commit wakes the flusher again
	}
	s.mu.Lock()
	if s.lazyGen == gen {
		s.dirty = false
	}
	s.mu.Unlock()
}

// Sync writes every committed batch to disk now.
func (s *Store) Sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil || !s.dirty {
		return nil
	}
	if err := s.db.Sync(); err != nil {
		return fmt.Errorf("storage: sync: %w", err)
	}
	s.dirty = false
	return nil
}

// SetFlushInterval changes how long after a lazy commit the flusher syncs
// (FlushInterval by default); tests that check what is synced set it long.
func (s *Store) SetFlushInterval(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.every = d
}

// Dirty reports whether a commit is not yet synced to disk.
func (s *Store) Dirty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dirty
}

// Size returns the file's size in bytes.
func (s *Store) Size() (int64, error) {
	fi, err := os.Stat(s.db.Path())
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// SetNoSync turns off syncing altogether, even for Batch.Sync. Commits are
// then not durable against power loss; it exists for tests that measure
// something else (file growth, throughput) and for bulk loads that are
// verified afterwards.
func (s *Store) SetNoSync(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noSync = v
}

package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Store is an open database file.
type Store struct {
	db *bolt.DB
}

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
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("storage: open %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	s := &Store{db: db}
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
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
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

// Commit applies a batch in one write transaction; when it returns nil the
// changes are on disk (bbolt syncs the file before committing returns).
// On error nothing of the batch is applied.
func (s *Store) Commit(b *Batch) error {
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
	return nil
}

// Size returns the file's size in bytes.
func (s *Store) Size() (int64, error) {
	fi, err := os.Stat(s.db.Path())
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// SetNoSync turns off syncing at commit. Commits are then not durable; it
// exists for tests that measure something else (file growth, throughput)
// and for bulk loads that are verified afterwards.
func (s *Store) SetNoSync(v bool) { s.db.NoSync = v }

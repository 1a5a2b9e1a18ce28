package storage

import (
	"path/filepath"
	"testing"
	"time"
)

// TestSyncPolicy checks which commits leave the file unsynced: a lazy
// commit does until Sync (or a synced commit) covers it, and a commit after
// Close fails instead of touching a closed file.
func TestSyncPolicy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xdp-sync.db")
	s, err := Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	s.SetFlushInterval(time.Hour) // the test, not the flusher, syncs
	put := func(k string, sync bool) {
		t.Helper()
		if err := s.Commit(&Batch{Puts: []Record{{"T", []byte(k), []byte("v")}}, Sync: sync}); err != nil {
			t.Fatal(err)
		}
	}
	put("a", false)
	if !s.Dirty() {
		t.Fatal("lazy commit not marked unsynced")
	}
	if err := s.Sync(); err != nil {
		t.Fatal(err)
	}
	if s.Dirty() {
		t.Fatal("Sync left the store unsynced")
	}
	put("b", false)
	put("c", true)
	if s.Dirty() {
		t.Fatal("synced commit did not cover the lazy one before it")
	}
	put("d", false)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(&Batch{Puts: []Record{{"T", []byte("e"), []byte("v")}}}); err == nil {
		t.Fatal("commit after Close accepted")
	}
	s, err = Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	s.ForEach(func(string, []byte, []byte) error { n++; return nil })
	if n != 4 {
		t.Fatalf("reopened store has %d records, want 4", n)
	}
}

// TestFlusherSyncs checks that a lazy commit does not stay unsynced: the
// flusher syncs it after the flush interval. There is no event to wait on,
// so the test polls, with a deadline far above the interval.
func TestFlusherSyncs(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "xdp-flush.db"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetFlushInterval(10 * time.Millisecond)
	if err := s.Commit(&Batch{Puts: []Record{{"T", []byte("k"), []byte("v")}}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.Dirty() {
		if time.Now().After(deadline) {
			t.Fatal("the flusher did not sync a lazy commit within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

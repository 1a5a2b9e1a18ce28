package storage

import (
	"path/filepath"
	"testing"
)

func TestCommitAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xdb-store.db")
	s, err := Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Commit(&Batch{
		Meta: map[string][]byte{"schema": []byte("S")},
		Puts: []Record{{"T", []byte("a"), []byte("1")}, {"T", []byte("b"), []byte("2")}, {"U", []byte("c"), []byte("3")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(&Batch{Deletes: []Record{{Collection: "T", Key: []byte("a")}, {Collection: "missing", Key: []byte("x")}}}); err != nil {
		t.Fatal(err)
	}
	// A failing batch applies nothing.
	if err := s.Commit(&Batch{Meta: map[string][]byte{"format": nil}, Puts: []Record{{"T", []byte("z"), []byte("9")}}}); err == nil {
		t.Fatal("reserved meta key accepted")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal("second Close:", err)
	}

	s, err = Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Meta("schema"); string(v) != "S" {
		t.Fatalf("meta schema = %q", v)
	}
	got := map[string]string{}
	if err := s.ForEach(func(c string, k, v []byte) error { got[c+"/"+string(k)] = string(v); return nil }); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"T/b": "2", "U/c": "3"}
	if len(got) != len(want) || got["T/b"] != "2" || got["U/c"] != "3" {
		t.Fatalf("records %v, want %v", got, want)
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xdb-lock.db")
	s, err := Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(path, 50_000_000); err == nil {
		t.Fatal("second Open of a locked file succeeded")
	}
}

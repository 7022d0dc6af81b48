package jsonl

import (
	"os"
	"path/filepath"
	"testing"
)

// A stream named to be read ahead is read ahead from the moment Open
// returns: a Read that came before the first chunk was parsed went to the
// index and waited for the stream's end, while the indexer waited for it
// to take the events read ahead (a second, then it gave up).
func TestAStreamNamedToReadAheadIsFromOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	if err := os.WriteFile(path, []byte(`{"stream":"a","payload":{}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Open([]string{path}, Options{ReadAheadStream: "a"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if key, _ := l.eager.eagerKey(); key == nil || *key != "a" {
		t.Fatalf("right after Open, the stream read ahead is %v, want a", key)
	}
}

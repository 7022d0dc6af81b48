package bookmarks

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/replay/replaytest"
)

func rawCodec() Codec[json.RawMessage] {
	return Codec[json.RawMessage]{
		Marshal:   func(s json.RawMessage) ([]byte, error) { return s, nil },
		Unmarshal: func(b []byte) (json.RawMessage, error) { return json.RawMessage(b), nil },
	}
}

func TestStoreConformance(t *testing.T) {
	replaytest.TestSnapshotter(t, func(t *testing.T) replay.Snapshotter[replaytest.Payload] {
		s, err := Open(filepath.Join(t.TempDir(), "b.json"), rawCodec())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func digestOf(events ...string) string {
	var d Digester
	for _, e := range events {
		d.Add([]byte(e))
	}
	return d.String()
}

func TestBookmarksPersistAndAreVerifiedBeforeUse(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "log.jsonl.bookmarks.json")
	s, err := Open(path, JSONCodec[map[string]int]())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 5, 30, 12, 0, 0, 0, time.UTC)
	if err := s.Add(replay.Checkpoint[map[string]int]{Stream: "bob", Seq: 7, State: map[string]int{"balance": -120}}, "overdraft", at, digestOf("e1", "e2")); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(replay.Checkpoint[map[string]int]{Stream: "bob", Seq: 3, State: map[string]int{"balance": 80}}, "before", at, digestOf("e1")); err != nil {
		t.Fatal(err)
	}
	if cp, _ := s.Load(ctx, "bob", 100); cp == nil || cp.Seq != 7 || cp.State["balance"] != -120 {
		t.Fatalf("Load in the session that made them = %+v", cp)
	}

	again, err := Open(path, JSONCodec[map[string]int]())
	if err != nil {
		t.Fatal(err)
	}
	list := again.List("bob")
	if len(list) != 2 || list[0].Seq != 3 || list[1].Note != "overdraft" || !list[1].Time.Equal(at) || list[1].Status != Unverified {
		t.Fatalf("reopened: %+v", list)
	}
	if cp, _ := again.Load(ctx, "bob", 100); cp != nil {
		t.Fatal("an unverified bookmark was used as a checkpoint")
	}
	if again.Verify("bob", 7, digestOf("e1", "CHANGED")) {
		t.Fatal("a bookmark whose events changed verified")
	}
	if !again.Verify("bob", 3, digestOf("e1")) {
		t.Fatal("a bookmark whose events match did not verify")
	}
	if cp, _ := again.Load(ctx, "bob", 100); cp == nil || cp.Seq != 3 {
		t.Fatalf("Load = %+v; want the verified bookmark at 3, not the stale one at 7", cp)
	}
	if st := again.List("bob")[1].Status; st != Stale {
		t.Fatalf("status of the changed bookmark = %v", st)
	}

	if err := again.Rename("bob", 3, "opening"); err != nil {
		t.Fatal(err)
	}
	if err := again.Delete("bob", 7); err != nil {
		t.Fatal(err)
	}
	if err := again.Delete("bob", 99); err == nil {
		t.Fatal("deleting a missing bookmark succeeded")
	}
	third, _ := Open(path, JSONCodec[map[string]int]())
	if l := third.List(""); len(l) != 1 || l[0].Note != "opening" {
		t.Fatalf("after rename and delete: %+v", l)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("files left beside the bookmarks: %v", entries)
	}
}

func TestANewerFileIsNeverOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	newer := `{"version": 2, "bookmarks": [], "somethingNew": true}`
	os.WriteFile(path, []byte(newer), 0o644)
	if _, err := Open(path, rawCodec()); !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "version 2, this replaytui reads version 1") {
		t.Fatalf("Open of a newer file: %v", err)
	}
	// A store opened before a newer replaytui wrote the file.
	os.WriteFile(path, []byte(`{"version":1,"bookmarks":[]}`), 0o644)
	s, err := Open(path, rawCodec())
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte(newer), 0o644)
	err = s.Add(replay.Checkpoint[json.RawMessage]{Stream: "a", Seq: 1, State: json.RawMessage(`1`)}, "", time.Time{}, "")
	if !errors.Is(err, ErrNewerVersion) {
		t.Fatalf("Add over a newer file: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != newer {
		t.Fatalf("the newer file was changed: %s", data)
	}
}

func TestABadFileIsAClearError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	os.WriteFile(path, []byte("not json"), 0o644)
	if _, err := Open(path, rawCodec()); err == nil || !strings.Contains(err.Error(), "not a bookmarks file") {
		t.Fatalf("Open of junk: %v", err)
	}
}

func TestBookmarksInABucket(t *testing.T) {
	ctx := context.Background()
	url := "file://" + t.TempDir()
	s, err := OpenBucket(ctx, url, "log.jsonl.bookmarks.json", JSONCodec[int]())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(replay.Checkpoint[int]{Stream: "a", Seq: 3, State: 42}, "here", time.Time{}, digestOf("x")); err != nil {
		t.Fatal(err)
	}
	again, err := OpenBucket(ctx, url, "log.jsonl.bookmarks.json", JSONCodec[int]())
	if err != nil {
		t.Fatal(err)
	}
	if l := again.List("a"); len(l) != 1 || l[0].Note != "here" || !strings.HasSuffix(again.Path(), "/log.jsonl.bookmarks.json") {
		t.Fatalf("reopened from the bucket: %+v at %s", l, again.Path())
	}
	again.Verify("a", 3, digestOf("x"))
	if cp, _ := again.Load(ctx, "a", 10); cp == nil || cp.State != 42 {
		t.Fatalf("Load = %+v", cp)
	}
}

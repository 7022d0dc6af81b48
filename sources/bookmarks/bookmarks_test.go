package bookmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// under is the options of a session whose apply is apply, starting from
// the zero state.
func under[S any](apply string) Options[S] { return Options[S]{Apply: apply} }

// raw is the options of a session over raw JSON states.
func raw(apply string) Options[json.RawMessage] {
	return Options[json.RawMessage]{Apply: apply, Initial: json.RawMessage(`null`)}
}

func TestStoreConformance(t *testing.T) {
	replaytest.TestSnapshotter(t, func(t *testing.T) replay.Snapshotter[replaytest.Payload] {
		s, err := Open(filepath.Join(t.TempDir(), "b.json"), rawCodec(), Options[json.RawMessage]{Apply: "test", Initial: json.RawMessage(`{}`)})
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
	opts := under[map[string]int]("bank v1")
	s, err := Open(path, JSONCodec[map[string]int](), opts)
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

	again, err := Open(path, JSONCodec[map[string]int](), opts)
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
	if b := again.List("bob")[1]; b.Status != Stale || !strings.Contains(b.Reason, "the log changed") {
		t.Fatalf("the changed bookmark: %v, %q", b.Status, b.Reason)
	}

	if err := again.Rename(again.List("bob")[0].Key(), "opening"); err != nil {
		t.Fatal(err)
	}
	if err := again.Delete(again.List("bob")[1].Key()); err != nil {
		t.Fatal(err)
	}
	if err := again.Delete(Key{Stream: "bob", Seq: 99}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting a missing bookmark: %v", err)
	}
	third, _ := Open(path, JSONCodec[map[string]int](), opts)
	if l := third.List(""); len(l) != 1 || l[0].Note != "opening" {
		t.Fatalf("after rename and delete: %+v", l)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("files left beside the bookmarks: %v", entries)
	}
}

// The example: a bookmark saved under one reducer was used as a
// checkpoint under another, and the states after it were wrong.
func TestABookmarkIsTrustedOnlyBySameApplyAndInitialState(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.json")
	made := Options[int]{Apply: "set", Initial: 0}
	s, err := Open(path, JSONCodec[int](), made)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(replay.Checkpoint[int]{Stream: "a", Seq: 3, State: 42}, "here", time.Time{}, digestOf("x")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		opts   Options[int]
		reason string
	}{
		{"another reducer", Options[int]{Apply: "jq:. * $event.payload", Initial: 0}, `made by another apply: "set" (this session: "jq:. * $event.payload")`},
		{"another initial state", Options[int]{Apply: "set", Initial: 7}, "another initial state"},
	} {
		other, err := Open(path, JSONCodec[int](), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		// Its events do match: that is not enough.
		other.Verify("a", 3, digestOf("x"))
		if err := VerifyStream(ctx, other, oneEventLog(t, "x"), "a", func(ev replay.Event[string]) string { return ev.Payload }); err != nil {
			t.Fatal(err)
		}
		if cp, _ := other.Load(ctx, "a", 10); cp != nil {
			t.Errorf("%s: the bookmark was used: %+v", tc.name, cp)
		}
		if b := other.List("a")[0]; b.Status != Stale || !strings.Contains(b.Reason, tc.reason) {
			t.Errorf("%s: %v, reason %q, want %q", tc.name, b.Status, b.Reason, tc.reason)
		}
	}
	same, _ := Open(path, JSONCodec[int](), made)
	same.Verify("a", 3, digestOf("x"))
	if cp, _ := same.Load(ctx, "a", 10); cp == nil || cp.State != 42 {
		t.Fatalf("the same apply and initial state: Load = %+v", cp)
	}
}

func oneEventLog(t *testing.T, payloads ...string) *replay.MemoryLog[string] {
	t.Helper()
	log := replay.NewMemoryLog[string]()
	for _, p := range payloads {
		if _, err := log.Append(context.Background(), replay.Event[string]{Stream: "a", Payload: p}); err != nil {
			t.Fatal(err)
		}
	}
	return log
}

func TestAHandEditedStateIsDetected(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.json")
	opts := Options[json.RawMessage]{Apply: "app", Initial: json.RawMessage(`{}`)}
	s, _ := Open(path, rawCodec(), opts)
	// Characters encoding/json escapes by default, and non-ASCII: the
	// file must give back the bytes the sum was made of.
	state := json.RawMessage(`{"html": "<b>&</b>", "text": "été  "}`)
	if err := s.Add(replay.Checkpoint[json.RawMessage]{Stream: "a", Seq: 1, State: state}, "", time.Time{}, digestOf("x")); err != nil {
		t.Fatal(err)
	}
	intact, _ := Open(path, rawCodec(), opts)
	intact.Verify("a", 1, digestOf("x"))
	if cp, _ := intact.Load(ctx, "a", 1); cp == nil || !strings.Contains(string(cp.State), "<b>&</b>") {
		t.Fatalf("the intact bookmark: %s, %+v", cp.State, intact.List("a"))
	}

	data, _ := os.ReadFile(path)
	edited := strings.Replace(string(data), `"html": "<b>&</b>"`, `"html": "<i>&</i>"`, 1)
	if edited == string(data) {
		t.Fatalf("the state is not where the test expects it:\n%s", data)
	}
	os.WriteFile(path, []byte(edited), 0o644)
	tampered, _ := Open(path, rawCodec(), opts)
	tampered.Verify("a", 1, digestOf("x"))
	if cp, _ := tampered.Load(ctx, "a", 1); cp != nil {
		t.Fatalf("a hand-edited state was used: %s", cp.State)
	}
	if b := tampered.List("a")[0]; b.Status != Stale || !strings.Contains(b.Reason, "changed in the file") {
		t.Fatalf("the edited bookmark: %v %q", b.Status, b.Reason)
	}

	// Reindenting the file changes no state.
	var reindented bytes.Buffer
	json.Indent(&reindented, data, "", "\t")
	os.WriteFile(path, reindented.Bytes(), 0o644)
	reformatted, _ := Open(path, rawCodec(), opts)
	reformatted.Verify("a", 1, digestOf("x"))
	if b := reformatted.List("a")[0]; b.Status != Verified {
		t.Fatalf("after reindenting the file: %v %q", b.Status, b.Reason)
	}
}

func TestVersion1BookmarksAreShownButNeverUsed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.json")
	d := digestOf("x")
	v1 := `{"version": 1, "bookmarks": [{"stream": "a", "seq": 1, "note": "old", "created": "2026-01-01T00:00:00Z", "digest": "` + d + `", "state": 5}]}`
	os.WriteFile(path, []byte(v1), 0o644)
	s, err := Open(path, JSONCodec[int](), under[int]("set"))
	if err != nil {
		t.Fatal(err)
	}
	s.Verify("a", 1, d)
	if b := s.List("a")[0]; b.Status != Stale || b.Note != "old" || !strings.Contains(b.Reason, "unverifiable") {
		t.Fatalf("a version 1 bookmark: %+v", b)
	}
	if cp, _ := s.Load(ctx, "a", 1); cp != nil {
		t.Fatal("a version 1 bookmark was used")
	}
	// A change writes version 2 and keeps the old bookmark as it was.
	if err := s.Add(replay.Checkpoint[int]{Stream: "a", Seq: 1, State: 6}, "new", time.Time{}, d); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `"version": 2`) {
		t.Fatalf("rewritten as:\n%s", data)
	}
	again, _ := Open(path, JSONCodec[int](), under[int]("set"))
	if l := again.List("a"); len(l) != 2 || l[0].Note != "old" || l[0].Status != Stale || l[1].Note != "new" || l[1].Status != Unverified {
		t.Fatalf("after the upgrade: %+v", l)
	}
}

func TestANewerFileIsNeverOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	newer := `{"version": 4, "bookmarks": [], "somethingNew": true}`
	os.WriteFile(path, []byte(newer), 0o644)
	if _, err := Open(path, rawCodec(), raw("a")); !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "version 4, this replaytui reads version 3") {
		t.Fatalf("Open of a newer file: %v", err)
	}
	// A store opened before a newer replaytui wrote the file.
	os.WriteFile(path, []byte(`{"version":2,"bookmarks":[]}`), 0o644)
	s, err := Open(path, rawCodec(), raw("a"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(replay.Checkpoint[json.RawMessage]{Stream: "a", Seq: 1, State: json.RawMessage(`1`)}, "", time.Time{}, "d"); err != nil {
		t.Fatal(err)
	}
	key := s.List("a")[0].Key()
	os.WriteFile(path, []byte(newer), 0o644)
	for name, change := range map[string]func() error{
		"Add": func() error {
			return s.Add(replay.Checkpoint[json.RawMessage]{Stream: "a", Seq: 2, State: json.RawMessage(`2`)}, "", time.Time{}, "")
		},
		"Rename":      func() error { return s.Rename(key, "x") },
		"Delete":      func() error { return s.Delete(key) },
		"SaveWatches": func() error { return s.SaveWatches([]string{"state"}) },
	} {
		if err := change(); !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "not overwriting it") {
			t.Errorf("%s over a newer file: %v", name, err)
		}
	}
	if data, _ := os.ReadFile(path); string(data) != newer {
		t.Fatalf("the newer file was changed: %s", data)
	}
}

func TestABadFileIsAClearErrorAndIsNotOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	os.WriteFile(path, []byte("not json"), 0o644)
	if _, err := Open(path, rawCodec(), raw("a")); err == nil || !strings.Contains(err.Error(), "not a bookmarks file") {
		t.Fatalf("Open of junk: %v", err)
	}
	os.WriteFile(path, []byte(`{"version":2,"bookmarks":[]}`), 0o644)
	s, _ := Open(path, rawCodec(), raw("a"))
	os.WriteFile(path, []byte(`{"bookmarks": "mine"}`), 0o644)
	if err := s.Add(replay.Checkpoint[json.RawMessage]{Stream: "a", Seq: 1, State: json.RawMessage(`1`)}, "", time.Time{}, ""); err == nil {
		t.Fatal("Add over a file that is not a bookmarks file succeeded")
	}
	if data, _ := os.ReadFile(path); string(data) != `{"bookmarks": "mine"}` {
		t.Fatalf("overwritten: %s", data)
	}
}

// A state type encoding/json cannot encode still gets a debugger: its
// bookmarks are listed, none is used, and saving one says why.
func TestAnInitialStateThatDoesNotEncode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	good, _ := Open(path, JSONCodec[float64](), Options[float64]{Apply: "app"})
	good.Add(replay.Checkpoint[float64]{Stream: "a", Seq: 1, State: 1}, "", time.Time{}, "d")
	nan := Options[float64]{Apply: "app", Initial: math.NaN()}
	s, err := Open(path, JSONCodec[float64](), nan)
	if err != nil {
		t.Fatal(err)
	}
	if b := s.List("a")[0]; b.Status != Stale || !strings.Contains(b.Reason, "the initial state does not encode") {
		t.Fatalf("%v %q", b.Status, b.Reason)
	}
	if err := s.Add(replay.Checkpoint[float64]{Stream: "a", Seq: 2, State: 2}, "", time.Time{}, "d"); err == nil || !strings.Contains(err.Error(), "the initial state does not encode") {
		t.Fatalf("Add: %v", err)
	}
}

func TestAStoreThatPersistsNeedsAnApply(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "b.json"), JSONCodec[int](), Options[int]{}); err == nil || !strings.Contains(err.Error(), "Apply is empty") {
		t.Fatalf("Open without an apply: %v", err)
	}
	if _, err := Open("", JSONCodec[int](), Options[int]{}); err != nil {
		t.Fatalf("a store in memory needs no apply: %v", err)
	}
	if _, err := Open("", Codec[int]{}, Options[int]{}); err == nil {
		t.Fatal("Open without a codec succeeded")
	}
}

// Two debuggers on one log, saving and deleting at once: nothing either
// saved is lost, and nothing either deleted comes back.
func TestTwoStoresOnOneFileLoseNothing(t *testing.T) {
	for _, where := range []string{"file", "bucket"} {
		t.Run(where, func(t *testing.T) {
			dir := t.TempDir()
			open := func() *Store[int] {
				t.Helper()
				var s *Store[int]
				var err error
				if where == "file" {
					s, err = Open(filepath.Join(dir, "log.jsonl.bookmarks.json"), JSONCodec[int](), under[int]("app"))
				} else {
					s, err = OpenBucket(context.Background(), "file://"+dir, "log.bookmarks.json", JSONCodec[int](), under[int]("app"))
				}
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			stores := []*Store[int]{open(), open()}
			const each = 30
			var wg sync.WaitGroup
			for i, s := range stores {
				wg.Go(func() {
					stream := replay.StreamKey(fmt.Sprint("s", i))
					for seq := replay.Seq(1); seq <= each; seq++ {
						if err := s.Add(replay.Checkpoint[int]{Stream: stream, Seq: seq, State: int(seq)}, "", time.Time{}, "d"); err != nil {
							t.Error(err)
							return
						}
						// Every third one is deleted again.
						if seq%3 == 0 {
							l := s.List(stream)
							if err := s.Delete(l[len(l)-1].Key()); err != nil {
								t.Error(err)
								return
							}
						}
					}
				})
			}
			wg.Wait()
			// A store sees the others' changes when it next changes
			// something itself; a new one sees them all.
			want := 2 * (each - each/3)
			if n := len(open().List("")); n != want {
				t.Fatalf("the file has %d bookmarks, want %d", n, want)
			}
			for i, s := range stores {
				if n := len(s.List(replay.StreamKey(fmt.Sprint("s", i)))); n != each-each/3 {
					t.Fatalf("store %d lists %d of its own bookmarks, want %d", i, n, each-each/3)
				}
			}

			// One deletes a bookmark of the other's, which then saves
			// another: the deleted one stays deleted.
			a, b := stores[0], stores[1]
			gone := b.List("s1")[0]
			if err := a.Delete(gone.Key()); err != nil {
				t.Fatal(err)
			}
			if err := b.Delete(gone.Key()); err != nil {
				t.Fatalf("deleting what the other already deleted: %v", err)
			}
			if err := b.Rename(gone.Key(), "x"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("renaming what the other deleted: %v", err)
			}
			if err := b.Add(replay.Checkpoint[int]{Stream: "s1", Seq: 100, State: 100}, "", time.Time{}, "d"); err != nil {
				t.Fatal(err)
			}
			for _, l := range [][]Bookmark{open().List("s1"), b.List("s1")} {
				for _, m := range l {
					if m.Key().is(gone) {
						t.Fatalf("a deleted bookmark came back: %+v", m)
					}
				}
				if l[len(l)-1].Seq != 100 {
					t.Fatalf("the new bookmark is missing: %+v", l)
				}
			}
			if entries, _ := os.ReadDir(dir); where == "file" && len(entries) != 1 {
				t.Fatalf("files left beside the bookmarks: %v", entries)
			}
		})
	}
}

func TestBookmarkingOneSeqTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	a, _ := Open(path, JSONCodec[int](), under[int]("app"))
	b, _ := Open(path, JSONCodec[int](), under[int]("app"))
	cp := replay.Checkpoint[int]{Stream: "s", Seq: 5, State: 5}
	a.Add(cp, "a's", time.Time{}, "d")
	b.Add(cp, "b's", time.Time{}, "d") // b did not know a's: both stay
	if l := b.List("s"); len(l) != 2 || l[0].Note != "a's" || l[1].Note != "b's" {
		t.Fatalf("two debuggers bookmarking one seq: %+v", l)
	}
	b.Add(cp, "b's again", time.Time{}, "d") // b now lists both: they are replaced
	if l := b.List("s"); len(l) != 1 || l[0].Note != "b's again" {
		t.Fatalf("bookmarking a seq again: %+v", l)
	}
	// Another reducer's bookmark at that seq is someone else's: kept.
	c, _ := Open(path, JSONCodec[int](), under[int]("other"))
	c.Add(cp, "c's", time.Time{}, "d")
	b.Add(cp, "b's third", time.Time{}, "d")
	if l := b.List("s"); len(l) != 2 || l[0].Note != "c's" || l[1].Note != "b's third" {
		t.Fatalf("another apply's bookmark at the seq: %+v", l)
	}
}

// Two bookmarks at one seq left one "(checking)" forever: only one of
// them was ever verified.
func TestTwoBookmarksAtOneSeqAreBothChecked(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.json")
	log := oneEventLog(t, "x", "y", "z")
	line := func(ev replay.Event[string]) string { return ev.Payload }
	// Two debuggers bookmark one seq: both are kept.
	one, _ := Open(path, JSONCodec[int](), under[int]("app"))
	two, _ := Open(path, JSONCodec[int](), under[int]("app"))
	digest, err := Digest(ctx, log, "a", 2, line)
	if err != nil {
		t.Fatal(err)
	}
	one.Add(replay.Checkpoint[int]{Stream: "a", Seq: 2, State: 2}, "one", time.Time{}, digest)
	two.Add(replay.Checkpoint[int]{Stream: "a", Seq: 2, State: 2}, "two", time.Time{}, digest)
	// And one past the end of the stream.
	s, _ := Open(path, JSONCodec[int](), under[int]("app"))
	s.Add(replay.Checkpoint[int]{Stream: "a", Seq: 9, State: 9}, "past", time.Time{}, "d")

	again, _ := Open(path, JSONCodec[int](), under[int]("app"))
	if err := VerifyStream(ctx, again, log, "a", line); err != nil {
		t.Fatal(err)
	}
	l := again.List("a")
	if len(l) != 3 || l[0].Status != Verified || l[1].Status != Verified {
		t.Fatalf("two bookmarks at one seq after checking: %+v", l)
	}
	if l[2].Status != Stale || !strings.Contains(l[2].Reason, "ends before seq 9") {
		t.Fatalf("a bookmark past the end: %v %q", l[2].Status, l[2].Reason)
	}
}

// umask returns the process's umask, as the file system applies it.
func umask(t *testing.T) os.FileMode {
	t.Helper()
	probe := filepath.Join(t.TempDir(), "probe")
	f, err := os.OpenFile(probe, os.O_CREATE|os.O_WRONLY, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(probe)
	return 0o777 &^ st.Mode().Perm()
}

// The file was created 0600 whatever the log's mode.
func TestTheFileHasTheModeItIsGiven(t *testing.T) {
	for _, mode := range []os.FileMode{0, 0o640, 0o644} {
		path := filepath.Join(t.TempDir(), "b.json")
		s, _ := Open(path, JSONCodec[int](), Options[int]{Apply: "app", Mode: mode})
		if err := s.Add(replay.Checkpoint[int]{Stream: "a", Seq: 1, State: 1}, "", time.Time{}, "d"); err != nil {
			t.Fatal(err)
		}
		want := mode
		if want == 0 {
			want = 0o666
		}
		want &^= umask(t)
		if st, _ := os.Stat(path); st.Mode().Perm() != want {
			t.Errorf("Mode %o: the file is %o, want %o", mode, st.Mode().Perm(), want)
		}
	}
	// A file that exists keeps its mode.
	path := filepath.Join(t.TempDir(), "b.json")
	os.WriteFile(path, []byte(`{"version":2,"bookmarks":[]}`), 0o600)
	os.Chmod(path, 0o604)
	s, _ := Open(path, JSONCodec[int](), Options[int]{Apply: "app", Mode: 0o644})
	s.Add(replay.Checkpoint[int]{Stream: "a", Seq: 1, State: 1}, "", time.Time{}, "d")
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o604 {
		t.Errorf("an existing file's mode became %o", st.Mode().Perm())
	}
}

func TestBookmarksInABucket(t *testing.T) {
	ctx := context.Background()
	url := "file://" + t.TempDir()
	s, err := OpenBucket(ctx, url, "log.jsonl.bookmarks.json", JSONCodec[int](), under[int]("app"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(replay.Checkpoint[int]{Stream: "a", Seq: 3, State: 42}, "here", time.Time{}, digestOf("x")); err != nil {
		t.Fatal(err)
	}
	again, err := OpenBucket(ctx, url, "log.jsonl.bookmarks.json", JSONCodec[int](), under[int]("app"))
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

// Two logs of one name shared one object in a bucket.
func TestObjectKeysOfLogsOfOneName(t *testing.T) {
	dir := t.TempDir()
	one, _ := ObjectKey(filepath.Join(dir, "one", "capture.jsonl"))
	two, _ := ObjectKey(filepath.Join(dir, "two", "capture.jsonl"))
	if one == two || !strings.HasPrefix(one, "capture.jsonl.") || !strings.HasSuffix(one, ".bookmarks.json") {
		t.Fatalf("keys %q and %q", one, two)
	}
	t.Chdir(dir)
	relative, _ := ObjectKey(filepath.Join("one", "capture.jsonl"))
	if relative != one {
		t.Fatalf("the same log by a relative path: %q, by an absolute one: %q", relative, one)
	}
}

// TestMain lets the test binary be one of two debuggers in
// TestTwoProcessesOnOneFileLoseNothing.
func TestMain(m *testing.M) {
	if path := os.Getenv("REPLAYTUI_BOOKMARKS_CHILD"); path != "" {
		os.Exit(addAsChild(path, os.Getenv("REPLAYTUI_BOOKMARKS_STREAM")))
	}
	os.Exit(m.Run())
}

func addAsChild(path, stream string) int {
	s, err := Open(path, JSONCodec[int](), Options[int]{Apply: "app"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for seq := replay.Seq(1); seq <= 25; seq++ {
		if err := s.Add(replay.Checkpoint[int]{Stream: replay.StreamKey(stream), Seq: seq, State: int(seq)}, "", time.Time{}, "d"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// The lock must hold between processes, not only between the Stores of
// one.
func TestTwoProcessesOnOneFileLoseNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl.bookmarks.json")
	var children []*exec.Cmd
	var outputs []*bytes.Buffer
	for _, stream := range []string{"a", "b", "c"} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "REPLAYTUI_BOOKMARKS_CHILD="+path, "REPLAYTUI_BOOKMARKS_STREAM="+stream)
		out := new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children, outputs = append(children, cmd), append(outputs, out)
	}
	for i, cmd := range children {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outputs[i])
		}
	}
	s, err := Open(path, JSONCodec[int](), Options[int]{Apply: "app"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.List("")); n != 3*25 {
		t.Fatalf("three processes saved %d bookmarks, want %d", n, 3*25)
	}
}

package bookmarks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/replaytui/replaytui/replay"
)

// version reads the version a bookmarks file was written as.
func version(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var head struct{ Version int }
	if err := json.Unmarshal(data, &head); err != nil {
		t.Fatal(err)
	}
	return head.Version
}

func TestWatchesPersistByApply(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	set, _ := Open(path, JSONCodec[int](), under[int]("set"))
	if w := set.Watches(); len(w) != 0 {
		t.Fatalf("a new file has watches: %q", w)
	}
	if err := set.Add(replay.Checkpoint[int]{Stream: "a", Seq: 1, State: 1}, "", time.Time{}, "d"); err != nil {
		t.Fatal(err)
	}
	if v := version(t, path); v != 2 {
		t.Fatalf("a file without watches is version %d, want 2 (what older replaytui reads)", v)
	}
	if err := set.SaveWatches([]string{"state.balance", "event.type"}); err != nil {
		t.Fatal(err)
	}
	if v := version(t, path); v != 3 {
		t.Fatalf("a file with watches is version %d, want 3", v)
	}
	merge, _ := Open(path, JSONCodec[int](), under[int]("merge"))
	if err := merge.SaveWatches([]string{"state.owner"}); err != nil {
		t.Fatal(err)
	}

	again, err := Open(path, JSONCodec[int](), under[int]("set"))
	if err != nil {
		t.Fatal(err)
	}
	if w := again.Watches(); !slices.Equal(w, []string{"state.balance", "event.type"}) {
		t.Fatalf("watches of set after reopening: %q", w)
	}
	if l := again.List("a"); len(l) != 1 {
		t.Fatalf("saving watches lost a bookmark: %+v", l)
	}
	if w := must(Open(path, JSONCodec[int](), under[int]("merge"))).Watches(); !slices.Equal(w, []string{"state.owner"}) {
		t.Fatalf("watches of merge: %q", w)
	}
	if w := must(Open(path, JSONCodec[int](), under[int]("patch"))).Watches(); len(w) != 0 {
		t.Fatalf("a reducer that saved none got watches: %q", w)
	}

	// With every watch deleted, the file is version 2 again.
	if err := again.SaveWatches(nil); err != nil {
		t.Fatal(err)
	}
	if v := version(t, path); v != 3 {
		t.Fatalf("with merge's watch left the file is version %d, want 3", v)
	}
	if err := merge.SaveWatches(nil); err != nil {
		t.Fatal(err)
	}
	if v := version(t, path); v != 2 {
		t.Fatalf("without watches the file is version %d, want 2", v)
	}
	if data, _ := os.ReadFile(path); strings.Contains(string(data), "watches") {
		t.Fatalf("an empty watches left in the file:\n%s", data)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A file of version 2, written by a replaytui without watches, is read
// and changed as it was, and gets version 3 only with watches.
func TestAFileWithoutWatchesIsReadAsItWas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	d := digestOf("x")
	state := `5`
	sum, _ := Checksum([]byte(state))
	v2 := `{"version": 2, "bookmarks": [{"stream": "a", "seq": 1, "note": "old", "created": "2026-01-01T00:00:00Z", "digest": "` + d + `", "apply": "set", "sum": "` + sum + `", "initial": "` + must(Checksum([]byte(`0`))) + `", "state": 5}]}`
	os.WriteFile(path, []byte(v2), 0o644)
	s, err := Open(path, JSONCodec[int](), under[int]("set"))
	if err != nil {
		t.Fatal(err)
	}
	if w := s.Watches(); len(w) != 0 {
		t.Fatalf("watches of a version 2 file: %q", w)
	}
	s.Verify("a", 1, d)
	if b := s.List("a")[0]; b.Status != Verified || b.Note != "old" {
		t.Fatalf("the version 2 bookmark: %+v", b)
	}
	if err := s.Rename(s.List("a")[0].Key(), "renamed"); err != nil {
		t.Fatal(err)
	}
	if v := version(t, path); v != 2 {
		t.Fatalf("rewritten without watches as version %d", v)
	}
	if err := s.SaveWatches([]string{"state"}); err != nil {
		t.Fatal(err)
	}
	again := must(Open(path, JSONCodec[int](), under[int]("set")))
	if l := again.List("a"); len(l) != 1 || l[0].Note != "renamed" || l[0].Sum != sum {
		t.Fatalf("after saving watches: %+v", l)
	}
}

// Two debuggers on one log change their watches: neither loses what the
// other added, and what one deleted stays deleted.
func TestTwoStoresMergeTheirWatches(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	a := must(Open(path, JSONCodec[int](), under[int]("set")))
	b := must(Open(path, JSONCodec[int](), under[int]("set")))
	if err := a.SaveWatches([]string{"x"}); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveWatches([]string{"y"}); err != nil {
		t.Fatal(err)
	}
	if w := must(Open(path, JSONCodec[int](), under[int]("set"))).Watches(); !slices.Equal(w, []string{"y", "x"}) {
		t.Fatalf("after both added one: %q, want y and x", w)
	}
	// a knew x only: deleting it leaves b's y. b never knew x, and its
	// next save does not bring it back.
	if err := a.SaveWatches(nil); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveWatches([]string{"y", "z"}); err != nil {
		t.Fatal(err)
	}
	if w := must(Open(path, JSONCodec[int](), under[int]("set"))).Watches(); !slices.Equal(w, []string{"y", "z"}) {
		t.Fatalf("after a deleted x and b added z: %q", w)
	}
	// c edits y into y2 while b adds w: b's save keeps c's edit (y is
	// gone, y2 is added after b's own).
	c := must(Open(path, JSONCodec[int](), under[int]("set")))
	if err := c.SaveWatches([]string{"y2", "z"}); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveWatches([]string{"y", "z", "w"}); err != nil {
		t.Fatal(err)
	}
	if w := must(Open(path, JSONCodec[int](), under[int]("set"))).Watches(); !slices.Equal(w, []string{"z", "w", "y2"}) {
		t.Fatalf("after c edited y and b added w: %q, want z w y2", w)
	}
}

func TestADeletedBookmarkComesBackWhole(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.json")
	s := must(Open(path, JSONCodec[int](), under[int]("set")))
	if err := s.Add(replay.Checkpoint[int]{Stream: "a", Seq: 3, State: 30}, "three", time.Time{}, digestOf("1", "2", "3")); err != nil {
		t.Fatal(err)
	}
	b := s.List("a")[0]
	if err := s.Undelete(b.Key()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("undeleting one never deleted: %v", err)
	}
	if err := s.Delete(b.Key()); err != nil {
		t.Fatal(err)
	}
	if cp, _ := s.Load(ctx, "a", 10); cp != nil {
		t.Fatalf("a deleted bookmark is a checkpoint: %+v", cp)
	}
	if err := s.Undelete(b.Key()); err != nil {
		t.Fatal(err)
	}
	if l := s.List("a"); len(l) != 1 || l[0].Note != "three" || l[0].Status != Verified || !l[0].Key().is(b) {
		t.Fatalf("after Undelete: %+v", l)
	}
	if cp, _ := s.Load(ctx, "a", 10); cp == nil || cp.Seq != 3 || cp.State != 30 {
		t.Fatalf("the undeleted bookmark is not a checkpoint: %+v", cp)
	}
	again := must(Open(path, JSONCodec[int](), under[int]("set")))
	again.Verify("a", 3, digestOf("1", "2", "3"))
	if l := again.List("a"); len(l) != 1 || l[0].Status != Verified || l[0].Sum != b.Sum || !l[0].Key().is(b) {
		t.Fatalf("the file after Undelete: %+v", l)
	}
	if err := s.Undelete(b.Key()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("undeleting twice: %v", err)
	}

	// Another debugger renamed it before it was deleted: it comes back
	// with the latest note.
	if err := again.Rename(b.Key(), "renamed"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(b.Key()); err != nil {
		t.Fatal(err)
	}
	if err := s.Undelete(b.Key()); err != nil {
		t.Fatal(err)
	}
	if l := s.List("a"); len(l) != 1 || l[0].Note != "renamed" {
		t.Fatalf("after a rename elsewhere, delete and undelete: %+v", l)
	}

	// In memory too.
	m := must(Open("", JSONCodec[int](), Options[int]{}))
	m.Add(replay.Checkpoint[int]{Stream: "a", Seq: 1, State: 1}, "", time.Time{}, "")
	k := m.List("a")[0].Key()
	if err := m.Delete(k); err != nil {
		t.Fatal(err)
	}
	if err := m.Undelete(k); err != nil || len(m.List("a")) != 1 {
		t.Fatalf("Undelete in memory: %v, %+v", err, m.List("a"))
	}
}

// Two debuggers adding watches at once, each saving its whole list after
// every one: none is lost.
func TestTwoStoresAddingWatchesAtOnceLoseNone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.json")
	const each = 20
	var wg sync.WaitGroup
	for i := range 2 {
		s := must(Open(path, JSONCodec[int](), under[int]("set")))
		wg.Go(func() {
			var mine []string
			for n := range each {
				mine = append(mine, fmt.Sprintf("state.s%d_%d", i, n))
				if err := s.SaveWatches(mine); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if w := must(Open(path, JSONCodec[int](), under[int]("set"))).Watches(); len(w) != 2*each {
		t.Fatalf("%d watches in the file, want %d: %q", len(w), 2*each, w)
	}
}

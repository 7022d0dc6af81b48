package cli

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/bookmarks"
	"github.com/replaytui/replaytui/tui"
)

// debugging runs the replaytui command line with args, the debugger
// replaced by session, which gets what the debugger would have.
func debugging(t *testing.T, session func(tui.Config[any, jsonv.Payload]), args ...string) {
	t.Helper()
	var out, errOut bytes.Buffer
	var empty any = (*jsonv.Object)(nil)
	headless := Option{apply: func(target any) error {
		target.(*config[any, jsonv.Payload]).debugger = func(_ context.Context, cfg tui.Config[any, jsonv.Payload]) error {
			session(cfg)
			return nil
		}
		return nil
	}}
	if code := Run(context.Background(), args, &out, &errOut, reduce.Merge, empty, JSON(), headless); code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out.String(), errOut.String())
	}
}

// bookmarkAt bookmarks seq of stream s as the debugger does: the state
// from the debugger's own apply, the digest of the events before it.
func bookmarkAt[S, E any](t *testing.T, cfg tui.Config[S, E], seq replay.Seq) {
	t.Helper()
	ctx := context.Background()
	tl, err := replay.NewTimeline(cfg.Log, "s", cfg.Apply, cfg.Initial, replay.TimelineOptions[S]{Bookmarks: cfg.Bookmarks})
	if err != nil {
		t.Fatal(err)
	}
	state, _, err := tl.Seek(ctx, seq)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Bookmarks.Add(ctx, replay.Checkpoint[S]{Stream: "s", Seq: seq, State: state}, "here", time.Time{}, linesOf(ctx, cfg, seq)); err != nil {
		t.Fatal(err)
	}
}

// linesOf is the events of stream "s" up to until (0: all) as the
// debugger hands them to its bookmark store.
func linesOf[S, E any](ctx context.Context, cfg tui.Config[S, E], until replay.Seq) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for ev, err := range replay.All(ctx, cfg.Log, "s") {
			if err != nil {
				yield("", err)
				return
			}
			if until != 0 && ev.Seq > until {
				return
			}
			if !yield(cfg.Line(ev), nil) {
				return
			}
		}
	}
}

// seekPast opens the stream as the debugger does, checks its bookmarks,
// seeks to seq and returns the state, where the seek started, and the
// state that folding from the start gives.
func seekPast[S, E any](t *testing.T, cfg tui.Config[S, E], seq replay.Seq) (got S, from replay.Origin, want S) {
	t.Helper()
	ctx := context.Background()
	if _, err := cfg.Bookmarks.Check(ctx, "s", linesOf(ctx, cfg, 0)); err != nil {
		t.Fatal(err)
	}
	tl, err := replay.NewTimeline(cfg.Log, "s", cfg.Apply, cfg.Initial, replay.TimelineOptions[S]{Bookmarks: cfg.Bookmarks})
	if err != nil {
		t.Fatal(err)
	}
	got, cost, err := tl.Seek(ctx, seq)
	if err != nil {
		t.Fatal(err)
	}
	want, err = replay.Replay(ctx, cfg.Log, nil, "s", seq, cfg.Apply, cfg.Initial, replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return got, cost.Origin, want
}

// growingLog writes n events whose payloads are {"n": i, "k<i>": i}:
// `set` keeps the last, a merge keeps them all.
func growingLog(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `{"stream":"s","seq":%d,"payload":{"n":%d,"k%d":%d}}`+"\n", i, i, i, i)
	}
	path := filepath.Join(t.TempDir(), "log.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The example: a bookmark saved under -r set was the starting
// point of seeks under -r 'jq:. * $event.payload', and every state after
// it was wrong.
func TestABookmarkIsUsedOnlyByTheReducerAndInitialStateThatMadeIt(t *testing.T) {
	log := growingLog(t, 1000)
	prog := filepath.Join(t.TempDir(), "merge.jq")
	os.WriteFile(prog, []byte(". * $event.payload"), 0o644)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) { bookmarkAt(t, cfg, 500) }, "-r", "set", log)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) { bookmarkAt(t, cfg, 400) }, "-r", "jq:@"+prog, log)

	for _, tc := range []struct {
		args     []string
		used     replay.Seq // 0: none
		reason   string
		editProg string
	}{
		{args: []string{"-r", "set"}, used: 500},
		{args: []string{"-r", "jq:. * $event.payload"}, reason: `made by another apply: "set" (this session: "jq:. * $event.payload")`},
		{args: []string{"-r", "set", "--initial", `{"n":0}`}, reason: "another initial state"},
		{args: []string{"-r", "merge"}, reason: `made by another apply: "set"`},
		// The program, not its file's name, identifies jq:@FILE.
		{args: []string{"-r", "jq:@" + prog}, used: 400},
		{args: []string{"-r", "jq:@" + prog}, editProg: ". * $event.payload | .edited = true", reason: `made by another apply: "jq file sha256:`},
	} {
		if tc.editProg != "" {
			os.WriteFile(prog, []byte(tc.editProg), 0o644)
		}
		debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
			got, from, want := seekPast(t, cfg, 800)
			if g, w := jsonv.Marshal(got), jsonv.Marshal(want); !bytes.Equal(g, w) {
				t.Errorf("%v: the state at 800 is wrong:\n%.200s\nwant\n%.200s", tc.args, g, w)
			}
			usedSeq := replay.Seq(0)
			if from == replay.FromBookmark {
				for _, b := range cfg.Bookmarks.List("s") {
					if b.Status == tui.Usable {
						usedSeq = b.Seq
					}
				}
			}
			if usedSeq != tc.used {
				t.Errorf("%v: the seek started from %v, using the bookmark at %d; want %d", tc.args, from, usedSeq, tc.used)
			}
			if tc.reason == "" {
				return
			}
			for _, b := range cfg.Bookmarks.List("s") {
				if b.Seq == 500 && (b.Status != tui.Unusable || !strings.Contains(b.Reason, tc.reason)) && tc.editProg == "" {
					t.Errorf("%v: the bookmark at 500 is %v, %q; want stale: %q", tc.args, b.Status, b.Reason, tc.reason)
				}
				if b.Seq == 400 && tc.editProg != "" && (b.Status != tui.Unusable || !strings.Contains(b.Reason, tc.reason)) {
					t.Errorf("%v after editing the program: the bookmark at 400 is %v, %q", tc.args, b.Status, b.Reason)
				}
			}
		}, append(tc.args, log)...)
	}
}

// A typed program's bookmarks are trusted by the same program only: its
// WithApplyID, or by default its types and version.
func TestATypedProgramIdentifiesItsApply(t *testing.T) {
	type state struct{ Sum int }
	type event struct{ N int }
	apply := func(s state, ev replay.Event[event]) state { return state{s.Sum + ev.Payload.N} }
	log := growingLog(t, 1000)
	program := func(session func(tui.Config[state, event]), opts ...Option) {
		t.Helper()
		var out, errOut bytes.Buffer
		headless := Option{apply: func(target any) error {
			target.(*config[state, event]).debugger = func(_ context.Context, cfg tui.Config[state, event]) error {
				session(cfg)
				return nil
			}
			return nil
		}}
		if code := Run(context.Background(), []string{log}, &out, &errOut, apply, state{}, append(opts, headless)...); code != 0 {
			t.Fatalf("exit %d: %s%s", code, out.String(), errOut.String())
		}
	}
	program(func(cfg tui.Config[state, event]) { bookmarkAt(t, cfg, 500) }, WithApplyID("ledger v1"))
	for _, tc := range []struct {
		opts   []Option
		used   bool
		reason string
	}{
		{opts: []Option{WithApplyID("ledger v1")}, used: true},
		{opts: []Option{WithApplyID("ledger v2")}, reason: `"ledger v1" (this session: "ledger v2")`},
		{opts: []Option{WithVersion("1.0.0")}, reason: `replaytui version 1.0.0")`},
	} {
		program(func(cfg tui.Config[state, event]) {
			got, from, want := seekPast(t, cfg, 800)
			if got != want || (from == replay.FromBookmark) != tc.used {
				t.Errorf("%d options: %+v from %v, want %+v from a bookmark: %v", len(tc.opts), got, from, want, tc.used)
			}
			if b := cfg.Bookmarks.List("s")[0]; tc.reason != "" && !strings.Contains(b.Reason, tc.reason) {
				t.Errorf("the reason is %q, want %q", b.Reason, tc.reason)
			}
		}, tc.opts...)
	}
	cfg := defaults(apply, state{})
	WithVersion("1.0.0").apply(cfg)
	if id, want := cfg.applyIdentity(), "Go apply of state github.com/replaytui/replaytui/cli.state and event github.com/replaytui/replaytui/cli.event, replaytui version 1.0.0"; id != want {
		t.Errorf("the default identity is %q, want %q", id, want)
	}
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{log}, &out, &errOut, apply, state{}, WithApplyID("")); code != exitUsage || !strings.Contains(errOut.String(), "WithApplyID: the id is empty") {
		t.Fatalf("an empty id: exit %d, %s", code, errOut.String())
	}
}

// With --checkpoints, two logs of one file name shared one object.
func TestLogsOfOneNameKeepTheirOwnBookmarksInABucket(t *testing.T) {
	bucket := t.TempDir()
	one, two := growingLog(t, 600), growingLog(t, 600)
	if filepath.Base(one) != filepath.Base(two) {
		t.Fatal("the test needs logs of one name")
	}
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) { bookmarkAt(t, cfg, 500) }, "--checkpoints", "file://"+bucket, one)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if l := cfg.Bookmarks.List(""); len(l) != 0 {
			t.Errorf("the other log has the first one's bookmarks: %+v in %s", l, cfg.Bookmarks.Where())
		}
	}, "--checkpoints", "file://"+bucket, two)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if l := cfg.Bookmarks.List(""); len(l) != 1 {
			t.Errorf("the first log's bookmarks are lost: %+v", l)
		}
	}, "--checkpoints", "file://"+bucket, one)
}

// The bookmarks file was created 0600 whatever the log's mode.
func TestTheBookmarksFileIsAsReadableAsTheLog(t *testing.T) {
	probe := filepath.Join(t.TempDir(), "probe")
	os.WriteFile(probe, nil, 0o666)
	st, _ := os.Stat(probe)
	umask := 0o666 &^ st.Mode().Perm()
	for _, mode := range []os.FileMode{0o644, 0o640, 0o600, 0o444} {
		log := growingLog(t, 10)
		os.Chmod(log, mode)
		debugging(t, func(cfg tui.Config[any, jsonv.Payload]) { bookmarkAt(t, cfg, 5) }, log)
		st, err := os.Stat(bookmarks.DefaultPath(log))
		if err != nil {
			t.Fatal(err)
		}
		if want := (mode | 0o600) &^ umask; st.Mode().Perm() != want {
			t.Errorf("log %o: bookmarks %o, want %o", mode, st.Mode().Perm(), want)
		}
	}
}

// Bookmarks written by a newer replaytui stop the debugger with a clear
// error rather than being lost.
func TestABookmarksFileOfANewerVersionIsLeftAlone(t *testing.T) {
	log := growingLog(t, 10)
	newer := `{"version": 99, "bookmarks": [], "future": true}`
	os.WriteFile(bookmarks.DefaultPath(log), []byte(newer), 0o644)
	var out, errOut bytes.Buffer
	var empty any = (*jsonv.Object)(nil)
	started := false
	headless := Option{apply: func(target any) error {
		target.(*config[any, jsonv.Payload]).debugger = func(context.Context, tui.Config[any, jsonv.Payload]) error {
			started = true
			return nil
		}
		return nil
	}}
	code := Run(context.Background(), []string{log}, &out, &errOut, reduce.Merge, empty, JSON(), headless)
	if code != exitBadInput || started || !strings.Contains(errOut.String(), "version 99, this replaytui reads version 3: bookmarks file written by a newer replaytui (it is left untouched)") {
		t.Fatalf("exit %d, debugger started: %v, stderr %q", code, started, errOut.String())
	}
	if data, _ := os.ReadFile(bookmarks.DefaultPath(log)); string(data) != newer {
		t.Fatalf("the newer file was changed: %s", data)
	}
}

// Watches are kept with the bookmarks, for the reducer they were made
// under: another reducer's states may not have what they look at.
func TestWatchesAreKeptForTheLogAndReducer(t *testing.T) {
	log := growingLog(t, 20)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		bookmarkAt(t, cfg, 5)
		if w := cfg.Bookmarks.Watches(); len(w) != 0 {
			t.Errorf("a new log has watches: %q", w)
		}
		if err := cfg.Bookmarks.SaveWatches([]string{"state.n", "state.n > 10"}); err != nil {
			t.Fatal(err)
		}
	}, "-r", "merge", log)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if w := cfg.Bookmarks.Watches(); strings.Join(w, "|") != "state.n|state.n > 10" {
			t.Errorf("reopened, the watches are %q", w)
		}
		if l := cfg.Bookmarks.List("s"); len(l) != 1 {
			t.Errorf("the bookmark is gone: %+v", l)
		}
		// The expressions compile as the debugger compiles them.
		for _, w := range cfg.Bookmarks.Watches() {
			if _, err := cfg.Compile(w); err != nil {
				t.Errorf("%s: %v", w, err)
			}
		}
	}, "-r", "merge", log)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if w := cfg.Bookmarks.Watches(); len(w) != 0 {
			t.Errorf("another reducer got merge's watches: %q", w)
		}
	}, "-r", "set", log)
	// Another log has its own.
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if w := cfg.Bookmarks.Watches(); len(w) != 0 {
			t.Errorf("another log has this one's watches: %q", w)
		}
	}, "-r", "merge", growingLog(t, 3))
}

// A bookmark deleted and brought back by the debugger is in the file
// again, with its checkpoint: the next session seeks from it.
func TestAnUndeletedBookmarkIsInTheFileAgain(t *testing.T) {
	log := growingLog(t, 600)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		bookmarkAt(t, cfg, 500)
		b := cfg.Bookmarks.List("s")[0]
		if err := cfg.Bookmarks.Delete("s", b.ID); err != nil {
			t.Fatal(err)
		}
		if err := cfg.Bookmarks.Undelete("s", b.ID); err != nil {
			t.Fatal(err)
		}
		if l := cfg.Bookmarks.List("s"); len(l) != 1 || l[0].ID != b.ID || l[0].Status != tui.Usable {
			t.Errorf("after Undelete: %+v", l)
		}
	}, "-r", "merge", log)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		got, from, want := seekPast(t, cfg, 550)
		if from != replay.FromBookmark || !bytes.Equal(jsonv.Marshal(got), jsonv.Marshal(want)) {
			t.Errorf("the next session's seek started from %v", from)
		}
	}, "-r", "merge", log)
}

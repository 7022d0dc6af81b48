package jsonl_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/sources/jsonl"
)

// following opens path with Follow.
func following(t *testing.T, path string) *jsonl.Log {
	t.Helper()
	return open(t, jsonl.Options{Follow: true}, path)
}

// eventually waits until ok holds of the log's stats; what it waits for
// happens within a few looks at the file, so the deadline is only there
// to fail instead of hanging.
func eventually(t *testing.T, l *jsonl.Log, what string, ok func(jsonl.Stats) bool) jsonl.Stats {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		st := l.Stats()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("never %s: %+v", what, st)
		}
	}
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFollowGoesOnInTheFileThatTakesTheName(t *testing.T) {
	// As logrotate does: the file is renamed, a new one created.
	path := write(t, "live.jsonl", lines("s", 1, 3))
	l := following(t, path)
	eventually(t, l, "read the file", func(st jsonl.Stats) bool { return st.Events == 3 })
	appendTo(t, path, lines("s", 4, 4)+`{"stream":"s","seq":5,"payload":{"n":5}}`) // the last line has no newline yet
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path, lines("s", 6, 7))
	st := eventually(t, l, "follow the new file", func(st jsonl.Stats) bool { return st.Events == 7 })
	if !st.Following || st.Done || st.Err != nil || !strings.Contains(st.FollowNote, "live.jsonl was replaced (rotated) at ") {
		t.Fatalf("after the rotation: %+v", st)
	}
	appendTo(t, path, lines("s", 8, 8))
	eventually(t, l, "see a line appended to the new file", func(st jsonl.Stats) bool { return st.Events == 8 })
	events, err := l.Read(context.Background(), "s", 1, 10)
	if err != nil || len(events) != 8 {
		t.Fatalf("Read = %d events, %v", len(events), err)
	}
	for i, ev := range events {
		if want := lines("s", i+1, i+1); string(ev.Payload.Value) != strings.TrimSuffix(want[strings.Index(want, `"payload":`)+10:], "}\n") {
			t.Fatalf("seq %d is %s", ev.Seq, ev.Payload.Value)
		}
	}
	// A new file whose seqs do not go on is an error that names it.
	if err := os.Rename(path, path+".2"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path, lines("s", 1, 1))
	st = eventually(t, l, "stop", func(st jsonl.Stats) bool { return st.Done })
	var le *jsonl.LineError
	if !errors.As(st.Err, &le) || le.File != path+" (after rotation 2)" || le.Line != 1 || st.Following {
		t.Fatalf("a file that starts over: %+v", st)
	}
}

func TestFollowStopsAtATruncatedFileAndSaysSo(t *testing.T) {
	for _, tc := range []struct {
		name  string
		again string // what the file holds after it is truncated
	}{
		{"shorter", lines("s", 1, 1)},
		{"longer", lines("t", 1, 9)}, // rewritten past where it was read
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, "live.jsonl", lines("s", 1, 3))
			l := following(t, path)
			eventually(t, l, "read the file", func(st jsonl.Stats) bool { return st.Events == 3 })
			if err := os.WriteFile(path, []byte(tc.again), 0o644); err != nil {
				t.Fatal(err)
			}
			st := eventually(t, l, "stop following", func(st jsonl.Stats) bool { return st.Done })
			if st.Err != nil || st.Following || st.Events != 3 || st.Streams != 1 || len(st.Problems) != 0 ||
				!strings.Contains(st.FollowNote, "live.jsonl was ") || !strings.Contains(st.FollowNote, "no longer followed") {
				t.Fatalf("after the truncation: %+v", st)
			}
			if err := l.Wait(context.Background()); err != nil {
				t.Fatalf("Wait = %v", err)
			}
			// What was at the old offsets is gone: no read returns it.
			_, err := l.Read(context.Background(), "s", 1, 3)
			if err == nil || !strings.Contains(err.Error(), "live.jsonl:1: stream \"s\" seq 1: the file was truncated or rewritten while it was followed") {
				t.Fatalf("Read after the truncation: %v", err)
			}
		})
	}
}

func TestFollowStopsAtAGapAndSaysWhere(t *testing.T) {
	path := write(t, "live.jsonl", lines("s", 1, 3))
	l := following(t, path)
	eventually(t, l, "read the file", func(st jsonl.Stats) bool { return st.Events == 3 })
	appendTo(t, path, lines("s", 5, 5))
	st := eventually(t, l, "stop", func(st jsonl.Stats) bool { return st.Done })
	var le *jsonl.LineError
	if !errors.As(st.Err, &le) || le.Line != 4 || !strings.Contains(le.Msg, "jumps from seq 3") || st.Following || st.Events != 3 {
		t.Fatalf("after a gap: %+v", st)
	}
	if events, err := l.Read(context.Background(), "s", 1, 10); err != nil || len(events) != 3 {
		t.Fatalf("what was read before the gap: %d events, %v", len(events), err)
	}
}

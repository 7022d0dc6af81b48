package jsonl_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// opened is what a log holds once indexed, for comparing two openings.
type opened struct {
	events, lines int
	err           string
	damage        *jsonl.LineError
}

// openAll opens paths, waits for the index, checks that every event it
// holds reads back and that any error is positioned, and says what it
// holds.
func openAll(t *testing.T, paths ...string) opened {
	t.Helper()
	l, err := jsonl.Open(paths, jsonl.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer l.Close()
	ctx := context.Background()
	var got opened
	if err := l.Wait(ctx); err != nil {
		var le *jsonl.LineError
		if !errors.As(err, &le) || le.Line < 1 {
			t.Fatalf("an error without a position: %v", err)
		}
		got.err = err.Error()
	}
	st := l.Stats()
	got.events, got.lines, got.damage = st.Events, st.Lines, st.Truncated
	if d := st.Truncated; d != nil && (d.Line < 1 || d.Column < 1) {
		t.Fatalf("a problem without a position: %v", d)
	}
	if got.err == "" {
		keys, err := l.Streams(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, k := range keys {
			for _, err := range replay.All(ctx, l, k) {
				if err != nil {
					t.Fatalf("an indexed event does not read back: %v", err)
				}
				n++
			}
		}
		if n != st.Events {
			t.Fatalf("%d events read back, %d indexed", n, st.Events)
		}
	}
	return got
}

// FuzzOpenCompressed feeds damaged compressed captures through Open: a
// log cut anywhere, or with a byte changed, is indexed up to the damage,
// the same way every time, and every problem names a line.
func FuzzOpenCompressed(f *testing.F) {
	log := lines("s", 1, 40) + lines("t", 1, 3)
	for _, s := range []struct {
		text      string
		zst       bool
		cut, flip uint16
	}{
		{log, false, 5, 0},        // cut inside the header: Open once failed
		{log, false, 3000, 0},     // cut mid-stream: once no event at all
		{log, true, 1500, 0},      //
		{log, false, 0, 2000},     // a changed byte
		{log, true, 0, 900},       //
		{"\n\n\n\n", false, 0, 0}, // blank lines only
		{`{"stream":"s","seq":1}` + "\n" + `{"stream":"s","seq":3}` + "\n", true, 0, 0},
	} {
		f.Add([]byte(s.text), s.zst, s.cut, s.flip)
	}
	f.Fuzz(func(t *testing.T, text []byte, zst bool, cut, flip uint16) {
		format := "gz"
		if zst {
			format = "zst"
		}
		data := compress(t, format, string(text))
		if cut > 0 && int(cut) < len(data) {
			data = data[:cut]
		}
		if flip > 0 && int(flip) < len(data) {
			data[flip] ^= 0x55
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "capture.jsonl."+format)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		first := openAll(t, path)
		again := openAll(t, path)
		if first.events != again.events || first.err != again.err || (first.damage == nil) != (again.damage == nil) {
			t.Fatalf("two openings differ: %+v, then %+v", first, again)
		}
		if first.damage != nil && first.damage.Line != again.damage.Line {
			t.Fatalf("the damage moved: line %d, then %d", first.damage.Line, again.damage.Line)
		}
		if d := first.damage; d != nil && d.Err != nil && !strings.Contains(d.Msg, "cut short or damaged") {
			t.Fatalf("damage reported as %q", d.Msg)
		}
		if cut == 0 && flip == 0 {
			// Whole: as the plain file is.
			plain := filepath.Join(dir, "capture.jsonl")
			if err := os.WriteFile(plain, text, 0o644); err != nil {
				t.Fatal(err)
			}
			want := openAll(t, plain)
			if first.events != want.events || strings.ReplaceAll(first.err, path, plain) != want.err || (first.damage == nil) != (want.damage == nil) ||
				first.damage != nil && (first.damage.Line != want.damage.Line || first.damage.Msg != want.damage.Msg) {
				t.Fatalf("compressed %+v, plain %+v", first, want)
			}
		}
	})
}

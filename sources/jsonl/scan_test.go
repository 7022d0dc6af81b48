package jsonl_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// A file is read in chunks of its own size; lines longer than a chunk,
// lines across the chunks' edges and a last line with no newline all
// arrive whole, read ahead or read back.
func TestLinesOfAnyLengthAcrossChunks(t *testing.T) {
	var b strings.Builder
	want := map[replay.Seq]int{} // seq → length of its note
	seq := 0
	add := func(note int) {
		seq++
		want[replay.Seq(seq)] = note
		fmt.Fprintf(&b, `{"stream":"s","seq":%d,"payload":{"note":"%s"}}`+"\n", seq, strings.Repeat("x", note))
	}
	for i := range 30_000 {
		add(i % 97)
		if i%10_000 == 5 {
			add(3 << 20) // longer than any chunk
		}
	}
	text := strings.TrimSuffix(b.String(), "\n")
	path := write(t, "long.jsonl", text)
	for _, ahead := range []bool{false, true} {
		l := open(t, jsonl.Options{ReadAheadFirst: ahead}, path)
		n := 0
		for ev, err := range replay.All(context.Background(), l, "s") {
			if err != nil {
				t.Fatal(err)
			}
			n++
			v, err := ev.Payload.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if got := len(v.(map[string]any)["note"].(string)); got != want[ev.Seq] {
				t.Fatalf("read ahead %v: seq %d has a note of %d bytes, want %d", ahead, ev.Seq, got, want[ev.Seq])
			}
		}
		if n != seq {
			t.Fatalf("read ahead %v: %d events, want %d", ahead, n, seq)
		}
		if st := l.Stats(); st.Lines != seq || st.BytesIndexed != int64(len(text)) {
			t.Fatalf("read ahead %v: stats %+v, want %d lines of %d bytes", ahead, st, seq, len(text))
		}
	}
}

// A stream named to be read ahead, among many, reads as any other.
func TestReadAheadANamedStream(t *testing.T) {
	var b strings.Builder
	seqs := map[string]int{}
	for i := range 50_000 {
		s := fmt.Sprintf("s%d", i*7%13)
		seqs[s]++
		fmt.Fprintf(&b, `{"stream":%q,"seq":%d,"payload":{"i":%d}}`+"\n", s, seqs[s], i)
	}
	path := write(t, "many.jsonl", b.String())
	for _, key := range []replay.StreamKey{"s6", "s0", "nope"} {
		l := open(t, jsonl.Options{ReadAheadStream: key}, path)
		n := 0
		for ev, err := range replay.All(context.Background(), l, key) {
			if err != nil {
				if key == "nope" {
					break
				}
				t.Fatal(err)
			}
			n++
			if ev.Seq != replay.Seq(n) || ev.Stream != key {
				t.Fatalf("event %d of %s is %s seq %d", n, key, ev.Stream, ev.Seq)
			}
		}
		if n != seqs[string(key)] {
			t.Fatalf("%s: %d events, want %d", key, n, seqs[string(key)])
		}
	}
}

package jsonl

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// FuzzParseLine checks that any line is either rejected with a column
// inside it, or read back as an event that survives writing it out and
// reading it again.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{
		`{"stream":"acct-42","seq":7,"time":"2026-05-30T12:00:00Z","payload":{"type":"deposit","amount":50}}`,
		`{"payload":[1,2,3],"type":"x","gseq":9}`,
		`{"stream":"a\u00e9\n","time":1780000000123,"payload":null}`,
		`{"stream":"a","time":"2012.06.20","expect":{"balance":700},"payload":{}}`,
		`{"seq":0}`, `{"time":"nope"}`, `{"stream":1}`, `[]`, `{"a":1}x`, "{\"\\u0000\":\"\x7f\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return // the indexer splits lines before they get here
		}
		h, lerr := parseHead(line, map[string]replay.StreamKey{})
		if lerr != nil {
			if lerr.column < 1 || lerr.column > len(line)+1 || lerr.msg == "" {
				t.Fatalf("error %v for %q has a column outside the line", lerr, line)
			}
			return
		}
		ev, err := parseEvent(line, 1)
		if err != nil {
			t.Fatalf("parseHead accepted %q but parseEvent says %v", line, err)
		}
		if ev.Stream != h.stream || (h.hasTime && !ev.Time.Equal(h.time)) {
			t.Fatalf("parseHead and parseEvent disagree on %q: %+v vs %+v", line, h, ev)
		}
		for _, f := range ev.Payload.Fields {
			if reservedField(f.Name) {
				return // cannot be written back under its own name
			}
		}
		out, err := appendLine(nil, ev)
		if err != nil {
			t.Fatalf("writing back %q: %v", line, err)
		}
		again, err := parseEvent(out[:len(out)-1], 1)
		if err != nil {
			t.Fatalf("reading back %q (from %q): %v", out, line, err)
		}
		v1, _ := ev.Payload.Decode()
		v2, _ := again.Payload.Decode()
		if again.Stream != ev.Stream || !again.Time.Equal(ev.Time) || !jsonv.Equal(v1, v2) || len(again.Payload.Fields) != len(ev.Payload.Fields) {
			t.Fatalf("round trip of %q changed it: %q", line, out)
		}
	})
}

func TestFastRFC3339AgreesWithTimeParse(t *testing.T) {
	for _, s := range []string{"2026-05-30T12:00:00Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-05-30T24:00:00Z", "0001-01-01T00:00:00Z", "2026-05-3xT12:00:00Z"} {
		got, ok := fastRFC3339([]byte(`"` + s + `"`))
		want, err := time.Parse(time.RFC3339, s)
		if ok != (err == nil) || ok && !got.Equal(want) {
			t.Errorf("%s: fast %v %v, time.Parse %v %v", s, got, ok, want, err)
		}
	}
	// Fractions of a second: read fast when they have 1 to 9 digits, and
	// left to time.Parse otherwise, never read otherwise than it reads them.
	for _, s := range []string{"2026-05-30T12:00:00.1Z", "2026-05-30T12:00:00.000Z", "2026-05-30T12:00:00.000333Z", "2026-05-30T12:00:00.123456789Z", "2026-05-30T12:00:00.Z", "2026-05-30T12:00:00.1234567891Z", "2026-05-30T12:00:00.12a4Z", "2026-05-30T12:00:00,5Z", "2024-02-30T00:00:00.5Z"} {
		got, ok := fastRFC3339([]byte(`"` + s + `"`))
		want, err := time.Parse(time.RFC3339Nano, s)
		fast := len(s) <= 30 && !strings.ContainsAny(s, "a,") && !strings.HasSuffix(s, ".Z") && !strings.HasPrefix(s, "2024-02-30")
		if ok != fast || ok && (err != nil || !got.Equal(want) || got.Location() != want.Location()) {
			t.Errorf("%s: fast %v %v, time.Parse %v %v", s, got, ok, want, err)
		}
	}
}

package jsonl_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/replay/replaytest"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// raw adapts the jsonl log to the conformance suite's payload type.
type raw struct{ *jsonl.Log }

func (r raw) Append(ctx context.Context, ev replay.Event[replaytest.Payload]) (replay.Seq, error) {
	return r.Log.Append(ctx, replay.Event[jsonv.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: jsonv.Payload{Value: ev.Payload}})
}

func (r raw) Read(ctx context.Context, s replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[replaytest.Payload], error) {
	events, err := r.Log.Read(ctx, s, from, limit)
	out := make([]replay.Event[replaytest.Payload], len(events))
	for i, ev := range events {
		out[i] = replay.Event[replaytest.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: replaytest.Payload(ev.Payload.Value)}
	}
	return out, err
}

func TestLogConformance(t *testing.T) {
	replaytest.TestLog(t, func(t *testing.T) replay.Log[replaytest.Payload] {
		l, err := jsonl.Create(filepath.Join(t.TempDir(), "log.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return raw{l}
	})
}

func (r raw) ReadGlobal(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]replay.GlobalEvent[replaytest.Payload], error) {
	read, err := r.Log.ReadGlobal(ctx, streams, from, limit)
	out := make([]replay.GlobalEvent[replaytest.Payload], len(read))
	for i, ge := range read {
		ev := ge.Event
		out[i] = replay.GlobalEvent[replaytest.Payload]{Position: ge.Position, Event: replay.Event[replaytest.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: replaytest.Payload(ev.Payload.Value)}}
	}
	return out, err
}

func TestGlobalReaderConformance(t *testing.T) {
	replaytest.TestGlobalReader(t, func(t *testing.T) replay.Log[replaytest.Payload] {
		l, err := jsonl.Create(filepath.Join(t.TempDir(), "log.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return raw{l}
	})
}

func TestLogConformanceReopened(t *testing.T) {
	// Appending to a file that was indexed from disk, as well.
	replaytest.TestLog(t, func(t *testing.T) replay.Log[replaytest.Payload] {
		path := filepath.Join(t.TempDir(), "log.jsonl")
		if err := os.WriteFile(path, []byte(`{"stream":"zzz","payload":1}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := jsonl.OpenAppend(path, jsonl.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return raw{l}
	})
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func open(t *testing.T, opts jsonl.Options, paths ...string) *jsonl.Log {
	t.Helper()
	l, err := jsonl.Open(paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestReadsTheFormat(t *testing.T) {
	path := write(t, "bank.jsonl", strings.Join([]string{
		`{"stream":"acct-1","seq":1,"time":"2026-05-30T12:00:00Z","type":"open","payload":{"owner":"ana"}}`,
		`{"stream":"acct-2","time":"2026-05-30","payload":{"owner":"bo"},"gseq":2}`,
		``,
		`{"stream":"acct-1","time":1780000000,"payload":{"deposit":50}}`,
		`{"payload":"no stream","time":1780000000123}`,
		`{"stream":"acct-1","seq":3,"time":"2012.06.20","payload":null}` + "\r",
	}, "\n")+"\n")
	l := open(t, jsonl.Options{}, path)
	ctx := context.Background()
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	events, err := l.Read(ctx, "acct-1", 1, 10)
	if err != nil || len(events) != 3 {
		t.Fatalf("Read acct-1 = %d events, %v", len(events), err)
	}
	if events[0].Payload.Type() != "open" || string(events[0].Payload.Value) != `{"owner":"ana"}` || events[0].Time.Format("2006-01-02T15") != "2026-05-30T12" {
		t.Errorf("first event %+v", events[0])
	}
	if events[1].Seq != 2 || events[1].Time.Unix() != 1780000000 {
		t.Errorf("second event: seq %d time %v", events[1].Seq, events[1].Time)
	}
	if events[2].Seq != 3 || events[2].Time.Format("2006-01-02") != "2012-06-20" || string(events[2].Payload.Value) != "null" {
		t.Errorf("third event %+v", events[2])
	}
	for _, ev := range events {
		if !ev.Payload.IsChecked() {
			t.Errorf("seq %d: a payload read from a validated line is not marked checked", ev.Seq)
		}
	}
	other, _ := l.Read(ctx, "acct-2", 1, 10)
	if len(other) != 1 || string(must(other[0].Payload.Field("gseq"))) != "2" {
		t.Errorf("acct-2 = %+v", other)
	}
	unnamed, _ := l.Read(ctx, "", 1, 10)
	if len(unnamed) != 1 || unnamed[0].Time.UnixMilli() != 1780000000123 {
		t.Errorf("the event without a stream = %+v", unnamed)
	}
	infos, err := l.StreamInfos(ctx)
	if err != nil || len(infos) != 3 || infos[0].Key != "acct-1" || infos[0].Events != 3 || infos[0].First.Year() != 2012 || infos[0].Last.Year() != 2026 {
		t.Fatalf("StreamInfos = %+v, %v", infos, err)
	}
	if st := l.Stats(); st.Events != 5 || st.Lines != 6 || !st.Done {
		t.Fatalf("Stats = %+v", st)
	}
}

func TestBadLinesAreErrorsNamingFileLineAndColumn(t *testing.T) {
	for _, tc := range []struct{ content, want string }{
		{`{"stream":"a","payload":{"x":1,}}`, `bad.jsonl:2:32: expected a member name in double quotes, found '}'`},
		{`{"stream":"a","payload":1} trailing`, `bad.jsonl:2:28: expected the end of the line`},
		{`["not","an","object"]`, `bad.jsonl:2:1: expected '{' (a JSON object), found '['`},
		{`{"stream":7,"payload":1}`, `bad.jsonl:2:11: "stream" must be a string, found "7"`},
		{`{"stream":"a","seq":-1,"payload":1}`, `bad.jsonl:2:21: "seq" must be a whole number from 1`},
		{`{"stream":"a","time":"yesterday","payload":1}`, `bad.jsonl:2:22: "time": "yesterday" is not a time; want RFC 3339, a date, or Unix seconds/milliseconds`},
		{`{"stream":"a","time":1e20,"payload":1}`, `bad.jsonl:2:22: "time": 1e20 is out of range for Unix seconds or milliseconds`},
		{`{"stream":"a","time":true,"payload":1}`, `bad.jsonl:2:22: "time": true is not a time; want a string, a number or null`},
		{"{\"stream\":\"a\",\"payload\":\"\x1b[2J\"}", `bad.jsonl:2:26: expected a string character (control characters must be escaped), found control byte 0x1b`},
		{"\x00\x01\x02binary", `bad.jsonl:2:1: expected '{' (a JSON object), found control byte 0x00`},
		{`{"stream":"a","seq":1,"payload":2}`, `bad.jsonl:2: seq 1 of stream "a" is a duplicate: that seq is at bad.jsonl:1 already`},
		{`{"stream":"a","seq":3,"payload":2}`, `bad.jsonl:2: stream "a" jumps from seq 1 (bad.jsonl:1) to seq 3: seqs 2 to 2 are missing`},
	} {
		path := filepath.Join(t.TempDir(), "bad.jsonl")
		os.WriteFile(path, []byte(`{"stream":"a","seq":1,"payload":1}`+"\n"+tc.content+"\n"+`{"stream":"a","payload":3}`+"\n"), 0o644)
		l := open(t, jsonl.Options{}, path)
		err := l.Wait(context.Background())
		var le *jsonl.LineError
		if !errors.As(err, &le) || !strings.Contains(strings.ReplaceAll(err.Error(), filepath.Dir(path)+"/", ""), tc.want) {
			t.Errorf("line %q: err = %v\nwant %s", tc.content, err, tc.want)
		}
		// What came before the bad line is still readable.
		if events, err := l.Read(context.Background(), "a", 1, 1); err != nil || len(events) != 1 {
			t.Errorf("line %q: reading seq 1 before it: %v, %v", tc.content, events, err)
		}
		if _, err := l.Read(context.Background(), "a", 2, 10); !errors.As(err, &le) {
			t.Errorf("line %q: reading past it: err = %v; the line's error must surface", tc.content, err)
		}
	}
}

func TestSkipBadCountsWhatItSkips(t *testing.T) {
	path := write(t, "skip.jsonl", strings.Join([]string{
		`{"stream":"a","seq":1,"payload":1}`,
		`not json`,
		`{"stream":"a","seq":1,"payload":"dup"}`,
		`{"stream":"a","seq":2,"payload":2}`,
		`{"stream":"a","seq":5,"payload":5}`,
	}, "\n")+"\n")
	l := open(t, jsonl.Options{SkipBad: true}, path)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := l.Stats()
	if st.Skipped != 2 || st.Renumbered != 1 || len(st.Problems) != 3 || st.Events != 3 {
		t.Fatalf("Stats = %+v", st)
	}
	if !strings.Contains(st.Problems[2].Error(), "renumbered as seq 3") {
		t.Errorf("problem %v", st.Problems[2])
	}
	events, _ := l.Read(context.Background(), "a", 1, 10)
	if len(events) != 3 || string(events[2].Payload.Value) != "5" || events[2].Seq != 3 {
		t.Fatalf("events = %+v", events)
	}
}

func TestTruncatedLastLineIsReportedAndTheRestIsUsable(t *testing.T) {
	path := write(t, "crash.jsonl", `{"stream":"a","payload":1}`+"\n"+`{"stream":"a","payload":2}`+"\n"+`{"stream":"a","payl`)
	l := open(t, jsonl.Options{}, path)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatalf("a cut last line stopped the log: %v", err)
	}
	st := l.Stats()
	if st.Truncated == nil || st.Truncated.Line != 3 || !strings.Contains(st.Truncated.Error(), "cut short") {
		t.Fatalf("Truncated = %v", st.Truncated)
	}
	if last, _ := l.LastSeq(context.Background(), "a"); last != 2 {
		t.Fatalf("Latest = %d, want 2", last)
	}
	// A last line without a newline that is whole is an event.
	l2 := open(t, jsonl.Options{}, write(t, "whole.jsonl", `{"stream":"a","payload":1}`))
	if last, err := l2.LastSeq(context.Background(), "a"); last != 1 || err != nil {
		t.Fatalf("Latest = %d, %v", last, err)
	}
}

func TestAppendAfterACutLineStartsANewLine(t *testing.T) {
	path := write(t, "cut.jsonl", `{"stream":"a","payload":1}`+"\n"+`{"stream":"a","pay`)
	l, err := jsonl.OpenAppend(path, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if seq, err := l.Append(context.Background(), replay.Event[jsonv.Payload]{Stream: "a", Payload: jsonv.Payload{Value: []byte(`{"n": 2}`)}}); err != nil || seq != 2 {
		t.Fatalf("Append = %d, %v", seq, err)
	}
	events, err := l.Read(context.Background(), "a", 2, 1)
	if err != nil || string(events[0].Payload.Value) != `{"n":2}` {
		t.Fatalf("appended event = %+v, %v", events, err)
	}
	data, _ := os.ReadFile(path)
	if !strings.HasSuffix(string(data), "\"pay\n"+`{"stream":"a","seq":2,"payload":{"n":2}}`+"\n") {
		t.Fatalf("file = %q", data)
	}
}

func TestAppendRefusesReadOnlyLogsAndBadPayloads(t *testing.T) {
	l := open(t, jsonl.Options{}, write(t, "ro.jsonl", `{"payload":1}`+"\n"))
	if _, err := l.Append(context.Background(), replay.Event[jsonv.Payload]{}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("Append to a read-only log: %v", err)
	}
	newPath := filepath.Join(t.TempDir(), "new.jsonl")
	w, err := jsonl.Create(newPath)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, p := range []jsonv.Payload{
		{Value: []byte(`{"a":`)},
		{Value: []byte(`1`), Fields: []jsonv.Field{{Name: "seq", Value: json.RawMessage(`5`)}}},
	} {
		if _, err := w.Append(context.Background(), replay.Event[jsonv.Payload]{Stream: "s", Payload: p}); err == nil {
			t.Errorf("Append of %+v succeeded", p)
		}
	}
	if _, err := jsonl.Create(newPath); err == nil {
		t.Error("Create overwrote an existing file")
	}
}

func must(raw json.RawMessage, ok bool) json.RawMessage { return raw }

type fakeT struct {
	name string
	logs []string
}

func (f *fakeT) Helper()                      {}
func (f *fakeT) Name() string                 { return f.name }
func (f *fakeT) Logf(format string, a ...any) { f.logs = append(f.logs, fmt.Sprintf(format, a...)) }

func TestDumpForDebugging(t *testing.T) {
	type move struct {
		Piece string `json:"piece"`
		To    string `json:"to"`
	}
	log := replay.NewMemoryLog[move]()
	ctx := context.Background()
	for _, m := range []move{{"N", "f3"}, {"p", "g6"}} {
		log.Append(ctx, replay.Event[move]{Stream: "game-1", Payload: m})
	}
	log.Append(ctx, replay.Event[move]{Stream: "game-2", Payload: move{"K", "e2"}})
	ft := &fakeT{name: "TestSomething/with spaces"}
	path := DumpForDebuggingPath(ft, log)
	defer os.Remove(path)
	if len(ft.logs) != 1 || ft.logs[0] != "to step through these events: replaytui "+path {
		t.Fatalf("logged %q", ft.logs)
	}
	l := open(t, jsonl.Options{}, path)
	events, err := l.Read(ctx, "game-1", 1, 10)
	if err != nil || len(events) != 2 || string(events[1].Payload.Value) != `{"piece":"p","to":"g6"}` {
		t.Fatalf("dumped events %+v, %v", events, err)
	}
	// Dumping again (a rerun of the test) replaces the old file.
	if again := DumpForDebuggingPath(ft, log); again != path {
		t.Fatalf("second dump went to %q", again)
	}
}

func DumpForDebuggingPath[E any](ft *fakeT, log replay.Log[E]) string {
	return jsonl.DumpForDebugging(ft, log, "replaytui")
}

package jsonl_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// globalLines are three accounts interleaved; "gseq" orders them
// otherwise than the lines do.
const globalLines = `{"stream":"a","gseq":3,"payload":{"n":1}}
{"stream":"b","gseq":1,"payload":{"n":2}}
{"stream":"a","gseq":2,"payload":{"n":3}}
{"stream":"c","gseq":6,"payload":{"n":4}}
{"stream":"b","gseq":5,"payload":{"n":5}}
{"stream":"a","gseq":4,"payload":{"n":6}}
`

func openGlobal(t *testing.T, text string) *jsonl.Log {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log.jsonl")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := jsonl.Open([]string{path}, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// globalRows reads the whole global order of streams as "stream/seq:n".
func globalRows(t *testing.T, l *jsonl.Log, streams ...replay.StreamKey) []string {
	t.Helper()
	g, err := replay.Global(replay.Log[jsonv.Payload](l), streams...)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	ctx := context.Background()
	for ev, err := range replay.All(ctx, g, g.Key()) {
		if err != nil {
			t.Fatal(err)
		}
		_, seq, err := g.Origin(ctx, ev.Seq)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, string(ev.Stream)+"/"+strconv.Itoa(int(seq))+":"+strings.Trim(string(ev.Payload.Value), `{}"n:`))
	}
	return rows
}

func TestGlobalFileOrder(t *testing.T) {
	l := openGlobal(t, globalLines)
	got := globalRows(t, l)
	want := []string{"a/1:1", "b/1:2", "a/2:3", "c/1:4", "b/2:5", "a/3:6"}
	if !slices.Equal(got, want) {
		t.Errorf("file order %v, want %v", got, want)
	}
	got = globalRows(t, l, "c", "a")
	want = []string{"a/1:1", "a/2:3", "c/1:4", "a/3:6"}
	if !slices.Equal(got, want) {
		t.Errorf("file order of a and c %v, want %v", got, want)
	}
}

func TestGlobalOrderByMember(t *testing.T) {
	l := openGlobal(t, globalLines)
	l.OrderGlobalBy("gseq")
	got := globalRows(t, l)
	want := []string{"b/1:2", "a/2:3", "a/1:1", "a/3:6", "b/2:5", "c/1:4"}
	if !slices.Equal(got, want) {
		t.Errorf("gseq order %v, want %v", got, want)
	}
	if got, want := globalRows(t, l, "b", "c"), []string{"b/1:2", "b/2:5", "c/1:4"}; !slices.Equal(got, want) {
		t.Errorf("gseq order of b and c %v, want %v", got, want)
	}
	l.OrderGlobalBy("")
	if got := globalRows(t, l); got[0] != "a/1:1" {
		t.Errorf("back in file order, the first event is %s", got[0])
	}
}

func TestGlobalOrderByMemberRefusesGapsInIt(t *testing.T) {
	for _, tc := range []struct{ name, text, says string }{
		{"missing", "{\"stream\":\"a\",\"gseq\":1}\n{\"stream\":\"b\"}\n", `log.jsonl:2: no "gseq" member`},
		{"duplicate", "{\"stream\":\"a\",\"gseq\":1}\n{\"stream\":\"b\",\"gseq\":2}\n{\"stream\":\"a\",\"gseq\":2}\n", `"gseq" 2 again`},
		{"not a number", "{\"stream\":\"a\",\"gseq\":\"1\"}\n", `log.jsonl:1:22: "gseq" must be a number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := openGlobal(t, tc.text)
			l.OrderGlobalBy("gseq")
			_, err := l.ReadGlobal(context.Background(), nil, 0, 10)
			var le *jsonl.LineError
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("ReadGlobal = %v, want a *LineError saying %s", err, tc.says)
			}
		})
	}
}

func TestGlobalTyped(t *testing.T) {
	l := openGlobal(t, globalLines)
	typed := jsonl.NewTyped(l, jsonl.Codec[struct{ N int }]{})
	g, err := replay.Global(replay.Log[struct{ N int }](typed), "b")
	if err != nil {
		t.Fatal(err)
	}
	total, err := replay.Replay(context.Background(), g, nil, g.Key(), 0, func(s int, ev replay.Event[struct{ N int }]) int { return s + ev.Payload.N }, 0, replay.Options{})
	if err != nil || total != 7 {
		t.Errorf("sum of b's n = %d, %v; want 2+5", total, err)
	}
}

// The Berka ledger's total balance over every account is the sum of the
// accounts' own balances.
func TestRealDataGlobalBalance(t *testing.T) {
	path := realFile(t, "berka-bank.jsonl.gz")
	l, err := jsonl.Open([]string{path}, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	apply, err := reduce.JQ(`.balance = (.balance // 0) + (if $event.type == "credit" then 1 else -1 end) * $event.payload.amount`)
	if err != nil {
		t.Fatal(err)
	}
	balance := func(state any) float64 {
		f, _ := state.(*jsonv.Object).Get("balance")
		return f.(float64)
	}
	g, err := replay.Global(replay.Log[jsonv.Payload](l))
	if err != nil {
		t.Fatal(err)
	}
	total, err := replay.Replay(ctx, g, nil, g.Key(), 0, apply, any(nil), replay.Options{})
	if err != nil {
		t.Fatal(err)
	}
	streams, err := l.Streams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, s := range streams {
		st, err := replay.Replay(ctx, replay.Log[jsonv.Payload](l), nil, s, 0, apply, any(nil), replay.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sum += balance(st)
	}
	if d := balance(total) - sum; d > 0.01 || d < -0.01 {
		t.Errorf("total balance in global order %.2f, sum of the accounts' %.2f", balance(total), sum)
	}
	last, err := g.LastSeq(ctx, g.Key())
	if err != nil || last != 49_102 {
		t.Errorf("the global order has %d events, %v; want 49,102", last, err)
	}
}

// BenchmarkGlobalOrder reads the Berka ledger's 49,102 events in its
// global order (file order, and gseq's), as a projection over its 1,229
// accounts does.
func BenchmarkGlobalOrder(b *testing.B) {
	path := filepath.Join(realdata, "berka-bank.jsonl.gz")
	if _, err := os.Stat(path); err != nil {
		b.Skipf("real data is absent: %v", err)
	}
	for _, order := range []string{"", "gseq"} {
		b.Run("order="+order, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				l, err := jsonl.Open([]string{path}, jsonl.Options{})
				if err != nil {
					b.Fatal(err)
				}
				l.OrderGlobalBy(order)
				g, err := replay.Global(replay.Log[jsonv.Payload](l))
				if err != nil {
					b.Fatal(err)
				}
				n, err := replay.Replay(ctx, g, nil, g.Key(), 0, func(n int, _ replay.Event[jsonv.Payload]) int { return n + 1 }, 0, replay.Options{})
				if err != nil || n != 49_102 {
					b.Fatalf("%d events, %v", n, err)
				}
				l.Close()
			}
			b.ReportMetric(float64(49_102*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// manyStreams writes n events of streams streams in a mixed order, and
// returns the lines' streams and seqs, in file order.
func manyStreams(t *testing.T, path string, from, n, streams int, seqs map[string]int) (keys []string, want []int) {
	t.Helper()
	var b strings.Builder
	for i := from; i < from+n; i++ {
		key := "acct-" + strconv.Itoa(i*7919%streams)
		if i%3 == 0 {
			key = "acct-0" // one stream far longer than the others
		}
		seqs[key]++
		keys, want = append(keys, key), append(want, seqs[key])
		b.WriteString(`{"stream":"` + key + `","payload":{"n":` + strconv.Itoa(i+1) + "}}\n")
	}
	appendTo(t, path, b.String())
	return keys, want
}

// checkGlobal reads the global order of streams from several places and
// compares each event with the lines'.
func checkGlobal(t *testing.T, l *jsonl.Log, keys []string, seqs []int, streams ...replay.StreamKey) {
	t.Helper()
	ctx := context.Background()
	g, err := replay.Global(replay.Log[jsonv.Payload](l), streams...)
	if err != nil {
		t.Fatal(err)
	}
	var places []int // the lines of the chosen streams, 0-based
	for i, k := range keys {
		if len(streams) == 0 || slices.Contains(streams, replay.StreamKey(k)) {
			places = append(places, i)
		}
	}
	last, err := g.LastSeq(ctx, g.Key())
	if err != nil || int(last) != len(places) {
		t.Fatalf("streams %q: LastSeq = %d, %v; want %d", streams, last, err, len(places))
	}
	for _, from := range []int{len(places) - 3, 1, 4095, 4096, 4097, 9000, len(places) / 2} {
		if from < 1 || from > len(places) {
			continue
		}
		events, err := g.Read(ctx, g.Key(), replay.Seq(from), 200)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(200, len(places)-from+1); len(events) != want {
			t.Fatalf("streams %q: Read from %d gave %d events, want %d", streams, from, len(events), want)
		}
		for k, ev := range events {
			line := places[from-1+k]
			n := strings.TrimSpace(string(ev.Payload.Value))
			if string(ev.Stream) != keys[line] || n != `{"n":`+strconv.Itoa(line+1)+"}" {
				t.Fatalf("streams %q: seq %d is %s %s, want line %d of %s", streams, from+k, ev.Stream, n, line+1, keys[line])
			}
			stream, seq, err := g.Origin(ctx, ev.Seq)
			if err != nil || string(stream) != keys[line] || int(seq) != seqs[line] {
				t.Fatalf("streams %q: Origin(%d) = %s %d, %v; want %s %d", streams, ev.Seq, stream, seq, err, keys[line], seqs[line])
			}
		}
	}
}

func TestGlobalFileOrderOfManyStreams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	count := map[string]int{}
	keys, seqs := manyStreams(t, path, 0, 12_000, 300, count)
	l := following(t, path)
	eventually(t, l, "indexed the file", func(st jsonl.Stats) bool { return st.Events == len(keys) })
	checkGlobal(t, l, keys, seqs)
	checkGlobal(t, l, keys, seqs, "acct-0", "acct-17", "no-such-stream")
	// Lines indexed after the order was worked out come after it.
	more, moreSeqs := manyStreams(t, path, 12_000, 5_000, 300, count)
	keys, seqs = append(keys, more...), append(seqs, moreSeqs...)
	eventually(t, l, "indexed the lines appended", func(st jsonl.Stats) bool { return st.Events == len(keys) })
	checkGlobal(t, l, keys, seqs)
	checkGlobal(t, l, keys, seqs, "acct-17", "acct-0")
}

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

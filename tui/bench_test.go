package tui

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/changes"
	"github.com/replaytui/replaytui/internal/collector"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// BenchmarkFrame measures what a user feels: a key, Update, the seek
// command it starts (through a JSON Lines log on disk), the message that
// comes back, Update again, and View — over a 1,000,000-event stream
// whose state has 10,000 keys, once keyframes are built. Step forward,
// step back and a jump to a random seq, each with its p50 and p99, with
// the event pane, a watch and a search's highlighted matches on screen.
// Target: p99 under 16 ms, one frame at 60 Hz. The collector is tuned as
// the replaytui binary tunes it for the debugger (collector.Headroom);
// GOGC=100 in the environment measures without.
//
//	go test ./tui -run '^$' -bench Frame -benchtime 1000x
func BenchmarkFrame(b *testing.B) {
	defer collector.Headroom(collector.Room)()
	const events, keys = 1_000_000, 10_000
	path := filepath.Join(b.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= events; i++ {
		fmt.Fprintf(w, `{"stream":"s","seq":%d,"time":"%s","type":"set","payload":{"k%05d":%d}}`+"\n", i, t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), rng.IntN(keys), i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	log, err := jsonl.Open([]string{path}, jsonl.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer log.Close()
	if err := log.Wait(context.Background()); err != nil {
		b.Fatal(err)
	}
	names, vals := make([]string, keys), make([]any, keys)
	for i := range keys {
		names[i], vals[i] = fmt.Sprintf("k%05d", i), float64(0)
	}
	cfg := Config[any, jsonv.Payload]{
		Log: log, Apply: reduce.Merge, Initial: jsonv.ObjectOf(names, vals), Stream: "s",
		Doc:     JSONDoc,
		Summary: func(ev replay.Event[jsonv.Payload]) string { return ev.Payload.Type() },
		Diff: func(a, b any) []Change {
			var out []Change
			for _, c := range jsonv.Diff(a, b) {
				out = append(out, changes.Change{Path: c.Path.String(), Kind: c.Kind.String(), Old: string(jsonv.Marshal(c.Old)), New: string(jsonv.Marshal(c.New))})
			}
			return out
		},
		Line: func(ev replay.Event[jsonv.Payload]) string {
			line, _ := jsonl.MarshalLine(ev)
			return string(line)
		},
	}
	// A watch reads one key of the state, as state.k00001 would through
	// the command line's expressions.
	cfg.Compile = func(source string) (Evaluator[any, jsonv.Payload], error) {
		key := strings.TrimPrefix(source, "state.")
		return func(s any, _ replay.Event[jsonv.Payload]) (any, error) {
			if o, ok := s.(*jsonv.Object); ok {
				v, _ := o.Get(key)
				return v, nil
			}
			return nil, nil
		}, nil
	}
	// As the command line sets it up for the merge reducer: the long part
	// of a seek folds in place.
	cfg.Accumulate = func(from any) replay.Accumulator[any, jsonv.Payload] { return reduce.Accumulate("merge", from) }
	m, err := New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer m.shutdown()
	m.tickEvery = 0
	start := time.Now()
	drive(b, m, m.Init())
	drive(b, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 35} })
	b.Logf("opened, keyframes %+v built in %v", m.s.tl.Keyframes(), time.Since(start))
	press := func(k string) tea.Cmd {
		_, cmd := m.Update(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
		return cmd
	}
	// What a user has on screen while stepping: the event itself, a watch,
	// and a search whose matches the event list highlights.
	typed := func(keys string) {
		for _, k := range keys {
			drive(b, m, press(string(k)))
		}
		_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		if m.prompt.open {
			b.Fatalf("%s: %s", keys, m.prompt.err)
		}
		drive(b, m, cmd)
	}
	drive(b, m, press("e"))
	typed("wstate.k00001")
	typed("/k00042")
	if !m.showEvent || len(m.inv.watches) != 1 || m.events.search == "" {
		b.Fatalf("the event pane, a watch and a search are not all on screen: %v %d %q; status %q", m.showEvent, len(m.inv.watches), m.events.search, m.status.text)
	}
	for _, c := range []struct {
		name string
		key  func() tea.Cmd
	}{
		{"forward", func() tea.Cmd {
			if m.events.cursor >= events {
				drive(b, m, m.seekTo(1))
			}
			return press("l")
		}},
		{"back", func() tea.Cmd {
			if m.events.cursor <= 1 {
				drive(b, m, m.seekTo(events))
			}
			return press("h")
		}},
		{"jump", func() tea.Cmd { return m.seekTo(replay.Seq(1 + rng.IntN(events))) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			drive(b, m, m.seekTo(replay.Seq(1+rng.IntN(events))))
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t := time.Now()
				drive(b, m, c.key())
				_ = m.View()
				lat = append(lat, time.Since(t))
				if m.s.shown.err != nil {
					b.Fatal(m.s.shown.err)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

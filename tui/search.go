package tui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/replay"
)

// foundMsg is the outcome of a search of the events or of a go-to-time.
type foundMsg struct {
	gen     int
	seq     replay.Seq
	found   bool
	what    string
	wrapped bool // found only after going round the end of the stream
	err     error
}

// searchCmd looks for the next (or previous) event after from whose line
// contains text, ignoring case, going round the end of the stream once.
func searchCmd[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, gen int, from replay.Seq, text string, backward bool) tea.Cmd {
	needle := strings.ToLower(text)
	match := func(ev replay.Event[E]) bool { return strings.Contains(strings.ToLower(cfg.Line(ev)), needle) }
	// forward finds the first match in [lo, hi) (hi 0: the end).
	forward := func(lo, hi replay.Seq) (replay.Seq, error) {
		for ev, err := range replay.From(ctx, cfg.Log, stream, lo) {
			if err != nil {
				return 0, err
			}
			if hi != 0 && ev.Seq >= hi {
				break
			}
			if match(ev) {
				return ev.Seq, nil
			}
		}
		return 0, nil
	}
	// backwardFrom finds the last match in [lo, hi).
	backwardFrom := func(lo, hi replay.Seq) (replay.Seq, error) {
		for hi > lo {
			start := replay.Seq(max(int64(hi)-int64(pageSize), int64(lo)))
			events, err := cfg.Log.Read(ctx, stream, start, int(hi-start))
			if err != nil {
				return 0, err
			}
			for i := len(events) - 1; i >= 0; i-- {
				if match(events[i]) {
					return events[i].Seq, nil
				}
			}
			hi = start
		}
		return 0, nil
	}
	return func() tea.Msg {
		var seq replay.Seq
		var err error
		wrapped := false
		if !backward {
			if seq, err = forward(from+1, 0); err == nil && seq == 0 {
				seq, err = forward(1, from+1)
				wrapped = seq != 0
			}
		} else {
			if seq, err = backwardFrom(1, from); err == nil && seq == 0 {
				last, lerr := replay.LastSeq(ctx, cfg.Log, stream)
				if lerr != nil {
					return foundMsg{gen: gen, err: lerr}
				}
				seq, err = backwardFrom(from, last+1)
				wrapped = seq != 0
			}
		}
		return foundMsg{gen: gen, seq: seq, found: seq != 0, what: text, wrapped: wrapped, err: err}
	}
}

// atTimeCmd finds the last event at or before t.
func atTimeCmd[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, gen int, t time.Time, what string) tea.Cmd {
	return func() tea.Msg {
		seq, found, err := replay.SeqAt(ctx, cfg.Log, stream, t)
		return foundMsg{gen: gen, seq: seq, found: found, what: what, err: err}
	}
}

// streamsMsg lists the streams, for the switcher.
type streamsMsg struct {
	infos []StreamInfo
	err   error
}

func streamsCmd[S, E any](ctx context.Context, cfg *Config[S, E]) tea.Cmd {
	return func() tea.Msg {
		infos, err := cfg.Streams(ctx)
		return streamsMsg{infos, err}
	}
}

func rowMatches(r Row, text string) bool {
	t := strings.ToLower(text)
	return strings.Contains(strings.ToLower(r.Key), t) || strings.Contains(strings.ToLower(r.Text), t)
}

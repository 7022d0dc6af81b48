package tui

import (
	"context"
	"fmt"
	"slices"
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

// atIDCmd finds the event whose own id in the log is id.
func atIDCmd[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, gen int, id int64, what string) tea.Cmd {
	return func() tea.Msg {
		ids, _ := cfg.Log.(replay.SourceIDs)
		seq, found, err := ids.SeqOfSourceID(ctx, stream, id)
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
	return containsFold(r.Key, text) || containsFold(r.Text, text)
}

// maxMatches bounds the seqs a count of matches keeps: 8 bytes each, so
// a search that matches everything in a huge stream costs 8 MB at most.
const maxMatches = 1 << 20

// matches is every seq whose event matches a search, counted once in the
// background so that n and N can say where they are ("2/14") and go from
// one match to the next without reading the stream again.
type matches struct {
	text   string
	seqs   []replay.Seq // ascending
	last   replay.Seq   // the stream's last seq when counted
	capped bool         // more matched than maxMatches
}

// matchesMsg brings a count of matches.
type matchesMsg struct {
	stream replay.StreamKey
	m      matches
	err    error
}

// countMatchesCmd reads the stream once and keeps the seqs of the events
// whose line contains text, ignoring case.
func countMatchesCmd[S, E any](ctx context.Context, cfg *Config[S, E], stream replay.StreamKey, text string) tea.Cmd {
	needle := strings.ToLower(text)
	return func() tea.Msg {
		found := matches{text: text}
		for ev, err := range replay.From(ctx, cfg.Log, stream, 1) {
			if err != nil {
				return matchesMsg{stream: stream, err: err}
			}
			found.last = ev.Seq
			if !strings.Contains(strings.ToLower(cfg.Line(ev)), needle) {
				continue
			}
			if len(found.seqs) == maxMatches {
				found.capped = true
				continue
			}
			found.seqs = append(found.seqs, ev.Seq)
		}
		return matchesMsg{stream: stream, m: found}
	}
}

// next finds the match after from (before it, backward), going round the
// end once; it reports the match's position (1-based) and whether it
// went round.
func (f *matches) next(from replay.Seq, backward bool) (seq replay.Seq, pos int, wrapped, ok bool) {
	n := len(f.seqs)
	if n == 0 {
		return 0, 0, false, false
	}
	i, _ := slices.BinarySearch(f.seqs, from+1) // the first match after from
	if backward {
		j, _ := slices.BinarySearch(f.seqs, from) // the first match at or after from
		i = j - 1
		if i < 0 {
			i, wrapped = n-1, true
		}
	} else if i == n {
		i, wrapped = 0, true
	}
	return f.seqs[i], i + 1, wrapped, true
}

// position is the place of seq among the matches (0 when it is none).
func (f *matches) position(seq replay.Seq) int {
	if i, ok := slices.BinarySearch(f.seqs, seq); ok {
		return i + 1
	}
	return 0
}

// of is the count as the status shows it.
func (f *matches) of() string {
	if f.capped {
		return fmt.Sprintf("%d+", len(f.seqs))
	}
	return fmt.Sprint(len(f.seqs))
}

// containsFold reports whether s contains text, ignoring case, as the
// search does.
func containsFold(s, text string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(text))
}

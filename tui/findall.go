package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/replaytui/replaytui/replay"
)

// f searches every stream for where a condition first holds
// (Config.FindAll), in the background, and lists the streams where it
// does: enter opens one at that seq, with the condition as a watch.

// FoundAll is what Config.FindAll found.
type FoundAll struct {
	Streams int          // the streams searched
	Matches []FoundMatch // one per stream where the condition holds
	Failed  []StreamFailure
}

// FoundMatch is the first seq of a stream where the condition holds.
type FoundMatch struct {
	Stream replay.StreamKey
	Seq    replay.Seq
	Time   time.Time
	// Values are the values the condition looks at there, in the order
	// it names them (state.balance, event.expect.balance).
	Values []NamedValue
}

// NamedValue is a value as text, and what it is the value of.
type NamedValue struct{ Name, Value string }

// StreamFailure is a stream that could not be searched, and why.
type StreamFailure struct {
	Stream replay.StreamKey
	Err    error
}

// foundResults is a search of every stream and what it found.
type foundResults struct {
	condition string
	FoundAll
}

// findAllPrompt opens the prompt of f: a condition, or enter alone for
// the last results.
func (m *Model[S, E]) findAllPrompt() tea.Cmd {
	cfg := m.c.cfg
	if cfg.FindAll == nil || cfg.Compile == nil {
		m.say("this debugger cannot search every stream")
		return nil
	}
	label := "find in every stream: "
	if m.found != nil {
		label = "find in every stream (empty: the last results): "
	}
	m.prompt.input.Placeholder = ""
	return m.prompt.Open(label, "", func(text string) (tea.Cmd, error) {
		if text == "" {
			if m.found == nil {
				return nil, errors.New("a condition over state and event, e.g. state.balance < 0")
			}
			return m.openFound(), nil
		}
		if _, err := cfg.Compile(text); err != nil {
			return nil, err
		}
		return m.inv.findAll(m.s.ctx, text), nil
	})
}

// findAll searches every stream for where condition first holds.
func (in *investigator[S, E]) findAll(ctx context.Context, condition string) tea.Cmd {
	find := in.c.cfg.FindAll
	cmd := in.begin(ctx, "finding in every stream", 0, func(ctx context.Context, report func(jobMsg)) jobMsg {
		found, err := find(ctx, condition, func(done, total int) {
			report(jobMsg{streamsDone: done, streams: total})
		})
		if err != nil {
			return jobMsg{err: err}
		}
		return jobMsg{foundAll: &foundResults{condition: condition, FoundAll: found}}
	})
	in.job.keepSeq, in.job.overStreams = true, true
	return cmd
}

// showFound takes what a search of every stream found: the list of the
// streams where the condition holds, or why there is none.
func (m *Model[S, E]) showFound(r *foundResults) tea.Cmd {
	failed := ""
	if n := len(r.Failed); n > 0 {
		failed = fmt.Sprintf("%s of %s streams could not be searched; %s", thousands(n), thousands(r.Streams), failureText(r.Failed[0]))
	}
	if len(r.Matches) == 0 {
		if failed != "" {
			m.status.fail(fmt.Errorf("%s: %s", r.condition, failed))
		} else {
			m.say(fmt.Sprintf("%s holds in no stream (of %s)", r.condition, thousands(r.Streams)))
		}
		return nil
	}
	m.found = r
	later := ""
	if m.overlaid() { // what the user is looking at stays
		later = " · f then enter lists them"
	}
	if failed != "" {
		m.status.fail(errors.New(failed + later))
	} else {
		m.say(fmt.Sprintf("%s: found in %s of %s streams%s", r.condition, thousands(len(r.Matches)), thousands(r.Streams), later))
	}
	if later != "" {
		return nil
	}
	return m.openFound()
}

func failureText(f StreamFailure) string {
	return fmt.Sprintf("stream %s: %v", clean(string(f.Stream)), f.Err)
}

// openFound lists the last results of f; enter goes to one.
func (m *Model[S, E]) openFound() tea.Cmd {
	r := m.found
	filter := textinput.New()
	filter.Prompt = "filter: "
	filter.SetStyles(inputStyles(true))
	l := &list{
		title:   fmt.Sprintf("found in %s of %s streams · %s", thousands(len(r.Matches)), thousands(r.Streams), r.condition),
		hint:    "each stream's first seq where it holds · enter goes there and watches it",
		empty:   "no stream matches",
		filter:  &filter,
		counted: true,
		detail: func(i int) string {
			f := r.Matches[i]
			return fmt.Sprintf("%s at seq %d: %s", clean(string(f.Stream)), f.Seq, valuesText(f.Values, " · "))
		},
		actions: []listAction{{m.c.keys.Enter, func(i int) tea.Cmd {
			m.list = nil
			return m.goToFound(r.condition, r.Matches[i])
		}}},
	}
	if n := len(r.Failed); n > 0 {
		l.footer = fmt.Sprintf("%s could not be searched; %s", plural(n, "stream"), failureText(r.Failed[0]))
	}
	m.openList(foundList, l)
	l.setItems(foundLines(r.Matches))
	return filter.Focus()
}

// foundLines are the rows of the results of f: stream, seq, time and
// the values the condition looks at.
func foundLines(ms []FoundMatch) []string {
	width := 0
	for _, f := range ms {
		width = max(width, len(clean(string(f.Stream))))
	}
	width = min(width, 30)
	lines := make([]string, len(ms))
	for i, f := range ms {
		lines[i] = fmt.Sprintf("%-*s %7d  %s  %s", width, clean(string(f.Stream)), f.Seq, formatTime(f.Time), valuesText(f.Values, "  "))
	}
	return lines
}

// valuesText writes values as name=value, separated by sep.
func valuesText(vs []NamedValue, sep string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Name + "=" + v.Value
	}
	return strings.Join(parts, sep)
}

// goToFound opens the stream of a result at its seq, and watches the
// condition there, unless it is watched already.
func (m *Model[S, E]) goToFound(condition string, f FoundMatch) tea.Cmd {
	var save tea.Cmd
	if !slices.ContainsFunc(m.inv.watches, func(w watch[S, E]) bool { return w.source == condition }) {
		if err := m.inv.addWatch(condition, -1); err != nil {
			m.status.fail(err)
		} else {
			m.layOut() // the diff pane makes room for the watch
			save = m.inv.saveWatches()
		}
	}
	if m.status.text == "" {
		m.say(fmt.Sprintf("%s first holds at seq %d of %s", condition, f.Seq, clean(string(f.Stream))))
	}
	if f.Stream == m.s.stream {
		return tea.Batch(save, m.seekTo(f.Seq))
	}
	if m.positions == nil {
		m.positions = map[replay.StreamKey]replay.Seq{}
	}
	m.positions[f.Stream] = f.Seq // openStream goes there
	return tea.Batch(save, m.openStream(f.Stream))
}

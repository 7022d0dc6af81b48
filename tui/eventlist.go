package tui

import (
	"context"
	"fmt"
	"slices"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/replaytui/replaytui/replay"
)

// pageSize is how many events the event list loads at a time.
const pageSize = 128

// maxStreamWidth is the widest the stream column of a list of many
// streams grows: longer names are cut.
const maxStreamWidth = 16

// pageMsg brings a page of events for the event list.
type pageMsg[E any] struct {
	stream replay.StreamKey
	first  replay.Seq // the page's first seq
	events []replay.Event[E]
	ids    []int64 // the log's own id of each event, when it has ids (replay.SourceIDs)
	err    error
}

func pageCmd[E any](ctx context.Context, log replay.Log[E], stream replay.StreamKey, first replay.Seq) tea.Cmd {
	return func() tea.Msg {
		events, err := log.Read(ctx, stream, first, pageSize)
		page := pageMsg[E]{stream: stream, first: first, events: events, err: err}
		if src, ok := log.(replay.SourceIDs); ok && err == nil {
			for _, ev := range events {
				id, ok, err := src.SourceID(ctx, stream, ev.Seq)
				if err != nil || !ok {
					page.ids = nil
					break
				}
				page.ids = append(page.ids, id)
			}
		}
		return page
	}
}

// eventList is the list of a stream's events, one a row, the selected one
// highlighted. It loads its events a page at a time, around what it
// shows, and forgets pages far from it.
type eventList[S, E any] struct {
	c             *common[S, E]
	width, height int
	focused       bool

	ctx     context.Context // the stream's
	stream  replay.StreamKey
	last    replay.Seq // the last seq known to exist
	final   bool       // and no more will come
	cursor  replay.Seq // the selected seq
	top     replay.Seq // the first seq shown
	pages   map[replay.Seq][]replay.Event[E]
	ids     map[replay.Seq][]int64 // of the events of each page, when the log has its own
	loading map[replay.Seq]bool

	mark       replay.Seq
	marked     bool
	bookmarked map[replay.Seq]bool
	search     string // rows whose event matches it are highlighted
	// clock: some event loaded so far has a time of day, so rows show
	// one; in a log of dates (bank statements, fines) they show the date
	// alone and leave the summary ten more cells
	clock bool
	dated bool // some event loaded so far has a time
	// streamWidth: the list is of many streams (their global order), and
	// rows show each event's stream in a column this wide, as wide as the
	// longest name loaded so far, up to maxStreamWidth
	streamWidth int
	fields      []string // the payload values rows show; none: Config.Summary's
	// what the rows of each loaded page say, worked out when a row comes
	// on screen (again when what they say changes), not at every frame: a
	// summary or a search scans the event, which may be 10 MB. Only rows
	// shown are worked out: a jump loads a page of 128 events and shows
	// about 30 of them.
	said map[replay.Seq][]rowSaid
}

// rowSaid is what the row of an event says of it.
type rowSaid struct {
	summary string
	match   bool
	known   bool // worked out; the zero rowSaid is not yet
}

func newEventList[S, E any](c *common[S, E]) eventList[S, E] {
	return eventList[S, E]{c: c, top: 1, fields: c.cfg.SummaryFields, said: map[replay.Seq][]rowSaid{}}
}

// open shows a new stream, from its start.
func (l *eventList[S, E]) open(ctx context.Context, stream replay.StreamKey) {
	*l = eventList[S, E]{c: l.c, width: l.width, height: l.height, focused: l.focused, ctx: ctx, stream: stream, top: 1,
		pages: map[replay.Seq][]replay.Event[E]{}, ids: map[replay.Seq][]int64{}, loading: map[replay.Seq]bool{}, search: l.search, fields: l.fields, said: map[replay.Seq][]rowSaid{}}
}

func (l *eventList[S, E]) SetSize(w, h int) {
	resized := w != l.width
	l.width, l.height = w, h
	l.scrollToCursor()
	if resized && len(l.fields) > 0 {
		l.redescribe() // the chosen fields are sized to the width
	}
}

// setSearch highlights the rows whose event holds text.
func (l *eventList[S, E]) setSearch(text string) {
	l.search = text
	l.redescribe()
}

// setFields chooses the payload values rows show.
func (l *eventList[S, E]) setFields(fields []string) {
	l.fields = fields
	l.redescribe()
}

// describeShown works out what the rows on screen say, those of loaded
// pages not worked out yet.
func (l *eventList[S, E]) describeShown() {
	if l.pages == nil {
		return
	}
	end := min(l.top+replay.Seq(l.rows()), l.last+1)
	for seq := l.top; seq < end; seq++ {
		first := ((seq-1)/pageSize)*pageSize + 1
		events, ok := l.pages[first]
		if !ok || int(seq-first) >= len(events) {
			continue
		}
		said := l.said[first]
		if len(said) != len(events) {
			said = make([]rowSaid, len(events))
			l.said[first] = said
		}
		if i := seq - first; !said[i].known {
			ev := events[i]
			said[i] = rowSaid{summary: l.summary(ev), match: l.search != "" && containsFold(l.c.cfg.Line(ev), l.search), known: true}
		}
	}
}

// redescribe forgets what every row says, and works out those on screen
// again.
func (l *eventList[S, E]) redescribe() {
	clear(l.said)
	l.describeShown()
}

// rows is how many events fit.
func (l *eventList[S, E]) rows() int { return max(l.height-2, 1) }

// setLast notes how far the stream goes; it reports whether it grew.
func (l *eventList[S, E]) setLast(last replay.Seq, final bool) bool {
	grew := last != l.last
	l.last, l.final = last, final
	if grew {
		// Pages that were short may have more events now.
		for first, events := range l.pages {
			if len(events) < pageSize {
				delete(l.pages, first)
				delete(l.ids, first)
				delete(l.said, first)
			}
		}
	}
	l.scrollToCursor()
	return grew
}

// clamp keeps a seq on the events that exist: between the first and the
// last known (seq 0, the initial state, only for a stream with none).
func (l *eventList[S, E]) clamp(seq replay.Seq) replay.Seq {
	if l.last == 0 && l.final {
		return 0
	}
	if l.last > 0 {
		seq = min(seq, l.last)
	}
	return max(seq, 1)
}

// select moves the selection to seq and scrolls to it.
func (l *eventList[S, E]) selectSeq(seq replay.Seq) {
	l.cursor = seq
	l.scrollToCursor()
}

// scrollToCursor scrolls so that the selection shows, and so that no rows
// are left empty below the last event when there are events above.
func (l *eventList[S, E]) scrollToCursor() {
	h := replay.Seq(l.rows())
	c := max(l.cursor, 1)
	if c < l.top {
		l.top = c
	}
	if c >= l.top+h {
		l.top = c - h + 1
	}
	if l.last > 0 && l.top+h > l.last+1 {
		l.top = max(int64ToSeq(int64(l.last)-int64(h)+1), 1)
	}
	l.top = max(l.top, 1)
	l.describeShown()
}

func int64ToSeq(n int64) replay.Seq {
	if n < 0 {
		return 0
	}
	return replay.Seq(n)
}

// Update takes the pages it asked for.
func (l *eventList[S, E]) Update(msg tea.Msg) (error, tea.Cmd) {
	page, ok := msg.(pageMsg[E])
	if !ok || page.stream != l.stream {
		return nil, nil
	}
	delete(l.loading, page.first)
	if page.err != nil {
		return page.err, nil
	}
	if len(page.events) > 0 || l.final {
		l.pages[page.first] = page.events
		l.ids[page.first] = page.ids
		dated := l.dated || slices.ContainsFunc(page.events, func(ev replay.Event[E]) bool { return !ev.Time.IsZero() })
		clock := l.clock || slices.ContainsFunc(page.events, func(ev replay.Event[E]) bool { return hasClock(ev.Time) })
		streamWidth := l.streamWidth
		if _, many := replay.GlobalStreams(l.stream); many {
			for _, ev := range page.events {
				streamWidth = max(streamWidth, min(ansi.StringWidth(clean(string(ev.Stream))), maxStreamWidth))
			}
		}
		if dated != l.dated || clock != l.clock || streamWidth != l.streamWidth {
			l.dated, l.clock, l.streamWidth = dated, clock, streamWidth
			l.redescribe() // the chosen fields have less room
		}
		delete(l.said, page.first) // a page read again may say more
		l.describeShown()
	}
	l.dropFarPages()
	return nil, nil
}

// load asks for the pages the list shows that are neither loaded nor
// loading.
func (l *eventList[S, E]) load() tea.Cmd {
	if l.pages == nil {
		return nil
	}
	var cmds []tea.Cmd
	end := l.top + replay.Seq(l.rows())
	for first := ((l.top-1)/pageSize)*pageSize + 1; first <= end; first += pageSize {
		if _, ok := l.pages[first]; ok || l.loading[first] || l.last > 0 && first > l.last {
			continue
		}
		l.loading[first] = true
		cmds = append(cmds, pageCmd(l.ctx, l.c.cfg.Log, l.stream, first))
	}
	return tea.Batch(cmds...)
}

// dropFarPages forgets pages far from the view, so that a long session
// over a huge stream keeps a bounded number of events in memory.
func (l *eventList[S, E]) dropFarPages() {
	const keep = 32
	if len(l.pages) <= keep {
		return
	}
	for first := range l.pages {
		if first+pageSize*keep/2 < l.top || first > l.top+pageSize*keep/2 {
			delete(l.pages, first)
			delete(l.ids, first)
			delete(l.said, first)
		}
	}
}

// event returns the event at seq if its page is loaded.
func (l *eventList[S, E]) event(seq replay.Seq) (replay.Event[E], bool) {
	if seq == 0 || l.pages == nil {
		return replay.Event[E]{}, false
	}
	first := ((seq-1)/pageSize)*pageSize + 1
	page := l.pages[first]
	if i := int(seq - first); i < len(page) {
		return page[i], true
	}
	return replay.Event[E]{}, false
}

// idOf is the log's own id of the event at seq, when the log has ids
// and its page is loaded.
func (l *eventList[S, E]) idOf(seq replay.Seq) (int64, bool) {
	if seq == 0 {
		return 0, false
	}
	first := ((seq-1)/pageSize)*pageSize + 1
	if ids := l.ids[first]; int(seq-first) < len(ids) {
		return ids[seq-first], true
	}
	return 0, false
}

// idText is "id N" when the event at seq has an id of its own, known.
func (l *eventList[S, E]) idText(seq replay.Seq) string {
	if id, ok := l.idOf(seq); ok {
		return fmt.Sprintf("id %d", id)
	}
	return ""
}

// rowSaid is what the row of seq, loaded, says.
func (l *eventList[S, E]) rowSaid(seq replay.Seq) rowSaid {
	first := ((seq-1)/pageSize)*pageSize + 1
	if said := l.said[first]; int(seq-first) < len(said) {
		return said[seq-first]
	}
	return rowSaid{}
}

// seqAt is the seq on row y of the pane (0 is its top border), if any.
func (l *eventList[S, E]) seqAt(y int) (replay.Seq, bool) {
	row := y - 1
	if row < 0 || row >= l.rows() {
		return 0, false
	}
	seq := l.top + replay.Seq(row)
	return seq, seq >= 1 && seq <= l.last
}

// summary is what the row of ev says of it: the fields the user chose,
// sized to the room the row leaves them, or the program's summary.
func (l *eventList[S, E]) summary(ev replay.Event[E]) string {
	if len(l.fields) > 0 && l.c.cfg.SummaryOf != nil {
		return l.c.cfg.SummaryOf(ev, l.fields, summaryRoom(eventRow{seq: uint64(ev.Seq), time: ev.Time, dated: l.dated, clock: l.clock, streamWidth: l.streamColumn(), id: l.idText(ev.Seq)}, l.width-2))
	}
	return l.c.cfg.Summary(ev)
}

// streamColumn is how wide the stream column is: as the names, but never
// more than half of what the row leaves after its seq and time, so that
// the summary keeps some room.
func (l *eventList[S, E]) streamColumn() int {
	if l.streamWidth == 0 {
		return 0
	}
	rest := summaryRoom(eventRow{dated: l.dated, clock: l.clock}, l.width-2)
	return min(l.streamWidth, max(rest/2, 6))
}

func (l *eventList[S, E]) View() string {
	st := l.c.st
	var lines []string
	for i := 0; i < l.rows(); i++ {
		seq := l.top + replay.Seq(i)
		if seq > l.last {
			break // no placeholder for an event that may never come
		}
		ev, ok := l.event(seq)
		row := eventRow{seq: uint64(seq), loaded: ok, dated: l.dated, clock: l.clock, streamWidth: l.streamColumn()}
		row.id = l.idText(seq)
		if ok {
			said := l.rowSaid(seq)
			row.time, row.summary, row.match, row.stream = ev.Time, said.summary, said.match, string(ev.Stream)
		}
		lines = append(lines, renderEvent(st, row, l.width-2, seq == l.cursor, l.marked && seq == l.mark, l.bookmarked[seq]))
	}
	if len(lines) == 0 {
		switch {
		case l.pages == nil:
			lines = []string{st.dim.Render("opening…")}
		case l.final:
			lines = []string{st.dim.Render("no events in this stream")}
		default:
			lines = []string{st.dim.Render("reading…")}
		}
	}
	return box(st, joinNonEmpty(" · ", "events", streamTitle(l.stream)), lines, l.width, l.height, l.focused)
}

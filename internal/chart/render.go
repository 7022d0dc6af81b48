package chart

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Options say what to draw besides the series.
type Options struct {
	// Width and Height are the size of the whole chart in cells, its
	// labels included. A chart needs at least 4 lines: the plot, the x
	// axis, the marks and the seq labels.
	Width, Height int
	// Cursor is the seq marked by a dotted column and ┴ on the axis
	// (0: none).
	Cursor uint64
	// Bookmarks are the seqs marked ◆ under the plot.
	Bookmarks []uint64
}

// The marks under the plot.
const (
	BookmarkMark = "◆"
	HitMark      = "•"
)

// frame is where things go: a chart of Width cells is the y labels, the
// axis, and the plot.
type frame struct {
	n            uint64 // seqs: 1..n
	lo, hi       float64
	top, bottom  string // the y labels
	labelWidth   int
	plotW, plotH int
}

func newFrame(s *Series, o Options) frame {
	f := frame{n: s.Last()}
	f.lo, f.hi, _ = s.Range()
	f.top, f.bottom = FormatNumber(f.hi), FormatNumber(f.lo)
	f.labelWidth = max(utf8.RuneCountInString(f.top), utf8.RuneCountInString(f.bottom))
	f.plotW = max(o.Width-f.labelWidth-2, 1)
	f.plotH = max(o.Height-3, 1)
	return f
}

// dots is the number of dot columns.
func (f frame) dots() uint64 { return uint64(2 * f.plotW) }

// firstSeq is the first seq dot column d shows.
func (f frame) firstSeq(d uint64) uint64 { return 1 + d*f.n/f.dots() }

// seqs is the run of seqs dot column d shows: when there are fewer seqs
// than dot columns, a seq spans several.
func (f frame) seqs(d uint64) (from, to uint64) {
	from = f.firstSeq(d)
	return from, max(from, f.firstSeq(d+1)-1)
}

// dotOf is the first dot column that shows seq.
func (f frame) dotOf(seq uint64) uint64 {
	seq = max(1, min(seq, f.n))
	d := ((seq-1)*f.dots() + f.n - 1) / f.n // ceil
	if d > 0 && (d >= f.dots() || f.firstSeq(d) > seq) {
		d--
	}
	return d
}

// row is the dot row of v, from the top.
func (f frame) row(v float64) int {
	rows := 4 * f.plotH
	y := (rows - 1) / 2
	if f.hi > f.lo {
		y = int(math.Round((v - f.lo) / (f.hi - f.lo) * float64(rows-1)))
	}
	return rows - 1 - max(0, min(y, rows-1))
}

// Step is the seq a cursor at seq goes to when it moves columns cells
// right (left when negative): the first seq of that cell, so every cell
// can be reached however many seqs there are; past the ends, the first
// or the last seq. A move of a cell moves at least one seq.
func Step(s *Series, o Options, seq uint64, columns int) uint64 {
	f := newFrame(s, o)
	if f.n == 0 || columns == 0 {
		return seq
	}
	c := int64(f.dotOf(seq)/2) + int64(columns)
	switch {
	case c < 0:
		return 1
	case c >= int64(f.plotW):
		return f.n
	}
	next := f.firstSeq(uint64(2 * c))
	switch {
	case columns > 0 && next <= seq:
		next = min(seq+1, f.n)
	case columns < 0 && next >= seq:
		next = max(seq, 2) - 1
	}
	return next
}

// braille is the bit of each dot of a cell, by dot row and column.
var braille = [4][2]uint8{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

// Render draws the series in o.Width x o.Height cells, as lines of
// exactly o.Width cells joined by newlines. Each dot column goes from the
// minimum to the maximum of the seqs it covers, and on to where the
// column before it ended, so the line is unbroken and a spike of one seq
// among millions still shows; seqs with no number leave a gap.
func Render(s *Series, o Options) string {
	if _, _, ok := s.Range(); !ok {
		lines := make([]string, max(o.Height, 1))
		for i := range lines {
			lines[i] = strings.Repeat(" ", max(o.Width, 0))
		}
		lines[0] = pad("no number to plot", o.Width)
		return strings.Join(lines, "\n")
	}
	f := newFrame(s, o)
	grid := make([][]uint8, f.plotH)
	for i := range grid {
		grid[i] = make([]uint8, f.plotW)
	}
	var last float64
	joined := false // the dot column before had a number
	for d := range f.dots() {
		b, ok := s.runOf(f.seqs(d))
		if !ok {
			joined = false
			continue
		}
		lo, hi := b.min, b.max
		if joined {
			lo, hi = min(lo, last), max(hi, last)
		}
		for r := f.row(hi); r <= f.row(lo); r++ {
			grid[r/4][d/2] |= braille[r%4][d%2]
		}
		last, joined = b.last, true
	}

	cursor := -1
	if o.Cursor > 0 && o.Cursor <= f.n {
		cursor = int(f.dotOf(o.Cursor) / 2)
	}
	gutter := strings.Repeat(" ", f.labelWidth+2)
	lines := make([]string, 0, f.plotH+3)
	for r, cells := range grid {
		var line strings.Builder
		// The labels go on the rows of the maximum and the minimum: the
		// same row for a constant series.
		switch {
		case r == f.row(f.hi)/4:
			line.WriteString(padLeft(f.top, f.labelWidth) + " ┤")
		case r == f.row(f.lo)/4:
			line.WriteString(padLeft(f.bottom, f.labelWidth) + " ┤")
		default:
			line.WriteString(strings.Repeat(" ", f.labelWidth) + " │")
		}
		for c, bits := range cells {
			switch {
			case bits != 0:
				line.WriteRune(rune(0x2800) + rune(bits))
			case c == cursor:
				line.WriteString("┊")
			default:
				line.WriteByte(' ')
			}
		}
		lines = append(lines, line.String())
	}

	axis := []rune(strings.Repeat("─", f.plotW))
	if cursor >= 0 {
		axis[cursor] = '┴'
	}
	lines = append(lines, strings.Repeat(" ", f.labelWidth+1)+"└"+string(axis))

	marks := []rune(strings.Repeat(" ", f.plotW))
	var done uint64 // the seqs up to this one are marked already
	for c := range marks {
		from, _ := f.seqs(uint64(2 * c))
		_, to := f.seqs(uint64(2*c + 1))
		from = max(from, done+1) // a seq wider than a column is marked once
		if from <= to && s.hitIn(from, to) {
			marks[c] = []rune(HitMark)[0]
		}
		done = max(done, to)
	}
	for _, seq := range o.Bookmarks {
		if seq >= 1 && seq <= f.n {
			marks[f.dotOf(seq)/2] = []rune(BookmarkMark)[0]
		}
	}
	lines = append(lines, gutter+string(marks))
	lines = append(lines, gutter+seqLabels(f, o.Cursor, cursor))
	return strings.Join(lines, "\n")
}

// seqLabels is the line of seqs under the plot: the first at the left,
// the last at the right, and the cursor's under it when there is room.
func seqLabels(f frame, seq uint64, cursor int) string {
	line := []rune(strings.Repeat(" ", f.plotW))
	put := func(text string, at int) bool {
		r := []rune(text)
		if at < 0 || at+len(r) > len(line) {
			return false
		}
		for i := max(at-1, 0); i < min(at+len(r)+1, len(line)); i++ {
			if line[i] != ' ' {
				return false
			}
		}
		copy(line[at:], r)
		return true
	}
	put("1", 0)
	if f.n > 1 {
		last := strconv.FormatUint(f.n, 10)
		put(last, f.plotW-len(last))
	}
	if cursor >= 0 && seq != 1 && seq != f.n {
		text := strconv.FormatUint(seq, 10)
		if !put(text, cursor-len(text)/2) {
			// Against an end: beside the cursor, on the side with room.
			if !put(text, cursor) {
				put(text, cursor-len(text)+1)
			}
		}
	}
	return string(line)
}

func pad(s string, width int) string {
	r := []rune(s)
	if len(r) >= width {
		return string(r[:max(width, 0)])
	}
	return s + strings.Repeat(" ", width-len(r))
}

func padLeft(s string, width int) string {
	return strings.Repeat(" ", max(width-utf8.RuneCountInString(s), 0)) + s
}

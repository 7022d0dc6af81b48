package chart

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func series(values ...float64) *Series {
	s := NewSeries(0)
	for i, v := range values {
		s.Add(uint64(i+1), v)
	}
	return s
}

// check compares a render with what it should be, and checks that every
// line is exactly the width asked for.
func check(t *testing.T, got, want string, width int) {
	t.Helper()
	want = strings.TrimPrefix(want, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for i, l := range strings.Split(got, "\n") {
		if n := utf8.RuneCountInString(l); n != width {
			t.Errorf("line %d is %d wide, not %d: %q", i, n, width, l)
		}
	}
}

// A balance that grows by one at each seq is a staircase: each seq holds
// its value over its columns, and the step up joins the next.
func TestARamp(t *testing.T) {
	check(t, Render(series(1, 2, 3, 4, 5, 6, 7, 8), Options{Width: 12, Height: 6}), `
8 ┤      ⣀⡤⠏
  │   ⢠⠴⠒⠃  
1 ┤⣀⣰⠚⠉     
  └─────────
            
   1       8`, 12)
}

func TestAConstantSeriesIsOneLineWithOneLabel(t *testing.T) {
	check(t, Render(series(5, 5, 5, 5, 5, 5), Options{Width: 10, Height: 5}), `
  │       
5 ┤⠉⠉⠉⠉⠉⠉⠉
  └───────
          
   1     6`, 10)
}

// Seqs with no number (NaN: a missing value, a string) leave a gap: the
// line is not drawn across it.
func TestSeqsWithNoNumberLeaveAGap(t *testing.T) {
	check(t, Render(series(1, 2, math.NaN(), math.NaN(), 2, 1), Options{Width: 10, Height: 5}), `
2 ┤ ⢸⠁  ⠉⡇
1 ┤⣀⣸    ⣇
  └───────
          
   1     6`, 10)
}

func TestOnePoint(t *testing.T) {
	check(t, Render(series(42), Options{Width: 10, Height: 5, Cursor: 1}), `
   │┊     
42 ┤⠉⠉⠉⠉⠉⠉
   └┴─────
          
    1     `, 10)
}

func TestNothingToPlot(t *testing.T) {
	check(t, Render(series(math.NaN(), math.NaN()), Options{Width: 20, Height: 4}), `
no number to plot   
                    
                    
                    `, 20)
}

// The cursor is a dotted column with ┴ on the axis and its seq under it;
// bookmarks are ◆ and the seqs where a condition held • under the plot.
func TestTheCursorBookmarksAndHitsAreMarked(t *testing.T) {
	s := series(0, 10, 10, 20, 0, 0, 30, 30, 30, 10)
	s.Hit(4)
	s.Hit(7)
	check(t, Render(s, Options{Width: 16, Height: 6, Cursor: 6, Bookmarks: []uint64{2, 9}}), `
30 ┤      ┊⢸⠉⠉⠉⡇
   │ ⢀⣀⣀⡏⡇┊⢸   ⣇
 0 ┤⣀⣸   ⣇⣀⣸    
   └──────┴─────
     ◆  •  •  ◆ 
    1     6   10`, 16)
}

// A spike of one seq among ten thousand, drawn in 26 columns, still
// reaches the top: each column goes from the minimum to the maximum of
// the seqs it covers. It survives the buckets being merged too.
func TestASpikeOfOneSeqInTenThousandStaysVisible(t *testing.T) {
	for _, limit := range []int{20_000, 64} {
		s := NewSeries(limit)
		for seq := uint64(1); seq <= 10_000; seq++ {
			v := 0.0
			if seq == 7777 {
				v = 100
			}
			s.Add(seq, v)
		}
		if s.Exact() != (limit == 20_000) {
			t.Errorf("limit %d: exact %v", limit, s.Exact())
		}
		lines := strings.Split(Render(s, Options{Width: 30, Height: 6, Cursor: 7777}), "\n")
		top := []rune(lines[0])
		spike := strings.IndexFunc(string(top[5:]), func(r rune) bool { return r >= 0x2801 && r <= 0x28ff })
		axis := []rune(lines[3])
		if spike < 0 || axis[5+spike] != '┴' {
			t.Errorf("limit %d: the spike is not at the top under the cursor:\n%s", limit, strings.Join(lines, "\n"))
		}
		if lo, hi, ok := s.At(7777); !ok || hi != 100 || limit == 20_000 && lo != 100 {
			t.Errorf("limit %d: at 7777: %v %v %v", limit, lo, hi, ok)
		}
	}
}

// However long the stream, the series keeps no more buckets than its
// limit, and its range and marks stay right.
func TestMemoryIsBounded(t *testing.T) {
	s := NewSeries(100)
	for seq := uint64(1); seq <= 1_000_000; seq++ {
		s.Add(seq, float64(seq%1000))
		if seq == 500_000 {
			s.Hit(seq)
		}
	}
	if len(s.buckets) > 100 || s.Last() != 1_000_000 || s.Numbers() != 1_000_000 {
		t.Fatalf("%d buckets, last %d, %d numbers", len(s.buckets), s.Last(), s.Numbers())
	}
	if lo, hi, _ := s.Range(); lo != 0 || hi != 999 {
		t.Errorf("range %v..%v", lo, hi)
	}
	if !s.hitIn(499_000, 501_000) || s.hitIn(1, 400_000) {
		t.Error("the hit moved")
	}
}

func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		v    any
		want float64
		ok   bool
	}{
		{1.5, 1.5, true}, {7, 7, true}, {int64(-3), -3, true}, {uint8(2), 2, true}, {float32(0.5), 0.5, true},
		{json.Number("12.25"), 12.25, true}, {json.Number("1e400"), 0, false},
		{"12", 0, false}, {true, 0, false}, {nil, 0, false}, {math.NaN(), 0, false}, {math.Inf(1), 0, false},
		{cents(250), 250, true}, // a Go state's own numeric type
	} {
		if got, ok := Number(c.v); got != c.want || ok != c.ok {
			t.Errorf("Number(%#v) = %v, %v", c.v, got, ok)
		}
	}
	for v, want := range map[float64]string{1250: "1250", -3: "-3", 0.1: "0.1", 1234.5678: "1234.57", 1e20: "1e+20"} {
		if got := FormatNumber(v); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", v, got, want)
		}
	}
}

// A cursor that moves a cell at a time reaches every cell of the plot,
// whether there are more seqs than cells or fewer, and comes back the
// same way; past the ends it stops at the first and the last seq.
func TestACursorReachesEveryCell(t *testing.T) {
	for _, n := range []int{7, 100, 150, 10_000} {
		values := make([]float64, n)
		for i := range values {
			values[i] = float64(i % 13)
		}
		s, o := series(values...), Options{Width: 104, Height: 10}
		f := newFrame(s, o)
		cells := map[uint64]bool{}
		seq, steps := uint64(1), 0
		for ; seq < uint64(n); steps++ {
			next := Step(s, o, seq, 1)
			if next <= seq {
				t.Fatalf("%d seqs: → from %d went to %d", n, seq, next)
			}
			seq = next
			cells[f.dotOf(seq)/2] = true
		}
		if want := min(n, f.plotW); len(cells)+1 < want {
			t.Errorf("%d seqs in %d cells: → reached %d cells", n, f.plotW, len(cells)+1)
		}
		if got := Step(s, o, seq, 1); got != uint64(n) {
			t.Errorf("%d seqs: → at the end went to %d", n, got)
		}
		for back := 0; seq > 1; back++ {
			next := Step(s, o, seq, -1)
			if next >= seq || back > steps {
				t.Fatalf("%d seqs: ← from %d went to %d", n, seq, next)
			}
			seq = next
		}
		if got := Step(s, o, 1, -5); got != 1 {
			t.Errorf("%d seqs: ← at the start went to %d", n, got)
		}
	}
}

// The extremes and where they first were survive the buckets' merging.
func TestRangeAndWhereAcrossMerges(t *testing.T) {
	s := NewSeries(4)
	for seq := uint64(1); seq <= 1000; seq++ {
		v := float64(seq % 50)
		switch seq {
		case 333:
			v = -7
		case 777:
			v = 1e6
		}
		s.Add(seq, v)
	}
	s.Add(1001, math.NaN())
	lo, hi, ok := s.Range()
	loSeq, hiSeq := s.Where()
	if !ok || lo != -7 || hi != 1e6 || loSeq != 333 || hiSeq != 777 || s.Numbers() != 1000 || s.Last() != 1001 {
		t.Fatalf("range %v..%v (%v) at seqs %d, %d; %d numbers of %d", lo, hi, ok, loSeq, hiSeq, s.Numbers(), s.Last())
	}
}

// A sampler leaves a gap where the value is no number or taking it
// failed, and keeps the first failure.
func TestASamplerCountsFailures(t *testing.T) {
	s := Sampler{Series: NewSeries(0)}
	boom := errors.New("boom")
	takes := []struct {
		v   any
		err error
	}{{1, nil}, {"a string", nil}, {nil, boom}, {json.Number("2.5"), nil}, {nil, errors.New("later")}}
	for i, take := range takes {
		f, ok := s.Take(uint64(i+1), take.v, take.err)
		if want := i == 0 || i == 3; ok != want || ok && f != []float64{1, 0, 0, 2.5}[i] {
			t.Errorf("take %d: %v, %v", i+1, f, ok)
		}
	}
	if s.Failed != 2 || s.Err != boom || s.ErrSeq != 3 || s.Series.Numbers() != 2 || s.Series.Last() != 5 {
		t.Fatalf("%d failed, first %v at %d; %d numbers up to %d", s.Failed, s.Err, s.ErrSeq, s.Series.Numbers(), s.Series.Last())
	}
}

type cents int64

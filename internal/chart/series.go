// Package chart draws a value over a stream's seqs in the terminal: a
// line chart in Braille (2x4 dots a cell), with the seqs along the x axis,
// the value's minimum and maximum on the y axis, and marks for a cursor,
// bookmarks (◆) and the seqs where a condition holds (•).
//
// It is our own small renderer rather than ntcharts
// (github.com/NimbleMarkets/ntcharts): its Bubble Tea v2 line still needs
// a fork of bubbletea in a replace directive ("awaiting upstream
// merges"), it brings image and mouse-zone libraries the debugger has no
// use for, and what the debugger needs of a chart is narrow but
// particular: a million seqs drawn in a hundred columns without losing a
// one-seq spike (each column is drawn from the minimum to the maximum of
// the seqs it covers), gaps where a value is not a number, and marks
// under the plot. Render is a pure function of a Series and a size, so
// the debugger and the series command draw the same picture.
//
//	s := chart.NewSeries(0)
//	for seq, v := range values {
//		s.Add(seq, v) // math.NaN() for "no number here"
//	}
//	fmt.Println(chart.Render(s, chart.Options{Width: 60, Height: 12}))
package chart

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
)

// DefaultBuckets is how many buckets a Series keeps unless told: seqs
// one to a bucket up to this many, so the value at every seq of a stream
// this long is exact.
const DefaultBuckets = 8192

// Series is a value over seqs 1..Last in bounded memory: at most a fixed
// number of buckets, each the minimum, maximum, first and last number of
// a run of consecutive seqs. While the stream fits, a bucket is one seq;
// when it grows past that, neighbouring buckets are merged two into one,
// so a series of 70 million seqs still takes the same few hundred
// kilobytes, and every spike survives as some bucket's minimum or maximum.
type Series struct {
	per     uint64 // seqs a bucket covers: a power of two
	limit   int
	buckets []bucket
	last    uint64
	// numbers is how many seqs had a number, lo and hi the extremes and
	// loSeq and hiSeq where they first were: kept as values come, so
	// that asking costs nothing however many buckets there are.
	numbers      int
	lo, hi       float64
	loSeq, hiSeq uint64
}

// bucket is what is known of a run of seqs.
type bucket struct {
	min, max    float64
	first, last float64
	numbers     int  // how many of its seqs had a number
	hit         bool // a condition held at one of its seqs
}

// NewSeries returns an empty series that keeps at most limit buckets
// (DefaultBuckets when limit < 2).
func NewSeries(limit int) *Series {
	if limit < 2 {
		limit = DefaultBuckets
	}
	return &Series{per: 1, limit: limit}
}

// Add records the value at seq; NaN or an infinity means there is no
// number there (a gap). Seqs must come in increasing order, from 1.
func (s *Series) Add(seq uint64, v float64) {
	if seq == 0 || seq <= s.last {
		return
	}
	b := s.at(seq)
	s.last = seq
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	if b.numbers == 0 {
		b.min, b.max, b.first = v, v, v
	}
	b.min, b.max, b.last = min(b.min, v), max(b.max, v), v
	b.numbers++
	if s.numbers == 0 || v < s.lo {
		s.lo, s.loSeq = v, seq
	}
	if s.numbers == 0 || v > s.hi {
		s.hi, s.hiSeq = v, seq
	}
	s.numbers++
}

// Hit marks seq as one where a condition holds. It must be called with
// the seq just added (or one before it).
func (s *Series) Hit(seq uint64) {
	if seq == 0 || seq > s.last {
		return
	}
	s.buckets[(seq-1)/s.per].hit = true
}

// at is the bucket of seq, made (and the buckets merged) as needed.
func (s *Series) at(seq uint64) *bucket {
	i := (seq - 1) / s.per
	for i >= uint64(s.limit) {
		s.halve()
		i = (seq - 1) / s.per
	}
	for uint64(len(s.buckets)) <= i {
		s.buckets = append(s.buckets, bucket{})
	}
	return &s.buckets[i]
}

// halve merges the buckets two by two.
func (s *Series) halve() {
	n := (len(s.buckets) + 1) / 2
	for i := range n {
		a := s.buckets[2*i]
		if 2*i+1 < len(s.buckets) {
			a = merge(a, s.buckets[2*i+1])
		}
		s.buckets[i] = a
	}
	s.buckets = s.buckets[:n]
	s.per *= 2
}

// merge is the bucket of a run followed by the run of b.
func merge(a, b bucket) bucket {
	switch {
	case a.numbers == 0:
		b.hit = b.hit || a.hit
		return b
	case b.numbers == 0:
		a.hit = a.hit || b.hit
		return a
	}
	return bucket{
		min: min(a.min, b.min), max: max(a.max, b.max),
		first: a.first, last: b.last,
		numbers: a.numbers + b.numbers, hit: a.hit || b.hit,
	}
}

// Last is the highest seq added (0: none).
func (s *Series) Last() uint64 { return s.last }

// Exact reports whether every seq has a bucket of its own, so that At
// gives each seq's own value.
func (s *Series) Exact() bool { return s.per == 1 }

// Numbers is how many seqs had a number.
func (s *Series) Numbers() int { return s.numbers }

// Range is the smallest and the largest number of the series; ok is
// false when it has none.
func (s *Series) Range() (lo, hi float64, ok bool) { return s.lo, s.hi, s.numbers > 0 }

// Where is the first seq of the smallest number and of the largest (0
// when there is none).
func (s *Series) Where() (lo, hi uint64) { return s.loSeq, s.hiSeq }

// At is the value at seq: the minimum and maximum of its bucket (equal
// when the series is Exact); ok is false when there is no number there.
func (s *Series) At(seq uint64) (lo, hi float64, ok bool) {
	if seq == 0 || seq > s.last {
		return 0, 0, false
	}
	b := s.buckets[(seq-1)/s.per]
	return b.min, b.max, b.numbers > 0
}

// runOf is the buckets of seqs from..to merged into one.
func (s *Series) runOf(from, to uint64) (bucket, bool) {
	var out bucket
	if from == 0 || from > s.last {
		return out, false
	}
	to = min(to, s.last)
	for i := (from - 1) / s.per; i <= (to-1)/s.per && i < uint64(len(s.buckets)); i++ {
		out = merge(out, s.buckets[i])
	}
	return out, out.numbers > 0
}

// hitIn reports whether a condition held at one of the seqs from..to.
func (s *Series) hitIn(from, to uint64) bool {
	b, _ := s.runOf(from, to)
	return b.hit
}

// Number is v as a number, for a value computed by an expression: Go's
// numbers and json.Number are, true and false and strings are not (a gap
// in the chart), nor NaN or an infinity.
func Number(v any) (float64, bool) {
	var f float64
	switch n := v.(type) {
	case float64: // what JSON decodes to: no reflection
		f = n
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(n), 64); err != nil {
			return 0, false
		}
	default:
		r := reflect.ValueOf(v) // any kind of int, uint or float, named too
		switch {
		case r.CanFloat():
			f = r.Float()
		case r.CanInt():
			f = float64(r.Int())
		case r.CanUint():
			f = float64(r.Uint())
		default:
			return 0, false
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// FormatNumber writes a value as the chart's labels do: whole numbers in
// full, others with six significant digits.
func FormatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// Sampler fills a series with the values a fold takes at each seq: a
// number where there is one, a gap where there is none or taking it
// failed. It counts the failures and keeps the first.
type Sampler struct {
	Series *Series
	Failed int    // seqs where taking the value failed
	Err    error  // the first failure
	ErrSeq uint64 // and its seq
}

// Take records the value v taken at seq, or err when taking it failed,
// and says which number it was, if any.
func (s *Sampler) Take(seq uint64, v any, err error) (float64, bool) {
	f, ok := Number(v)
	if err != nil {
		if s.Failed == 0 {
			s.Err, s.ErrSeq = err, seq
		}
		s.Failed++
		ok = false
	}
	if !ok {
		f = math.NaN()
	}
	s.Series.Add(seq, f)
	return f, ok
}

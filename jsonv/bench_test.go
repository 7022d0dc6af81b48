package jsonv

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMergePatchJSON folds ledger-like patches into a state of 50
// accounts, as a merge-patch log does.
func BenchmarkMergePatchJSON(b *testing.B) {
	patches := make([][]byte, 1000)
	for i := range patches {
		patches[i] = []byte(fmt.Sprintf(`{"acct-%d":{"balance":%d,"tx":"tx-%d"},"count":%d}`, i%50, i*7, i, i))
	}
	var state any = (*Object)(nil)
	var err error
	i := 0
	for b.Loop() {
		if state, err = MergePatchJSON(state, patches[i%len(patches)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkMergeIntoLargeObject merges one-member patches into an object
// of 10,000 members, as the debugger's step benchmark does.
func BenchmarkMergeIntoLargeObject(b *testing.B) {
	names, vals := make([]string, 10_000), make([]any, 10_000)
	for i := range names {
		names[i], vals[i] = fmt.Sprintf("k%05d", i), float64(i)
	}
	var state any = ObjectOf(names, vals)
	patches := make([]Payload, 1000)
	for i := range patches {
		patches[i] = Payload{Value: []byte(fmt.Sprintf(`{"k%05d":%d}`, (i*7919)%10_000, i))}
	}
	i := 0
	for b.Loop() {
		var err error
		if state, err = patches[i%len(patches)].MergeInto(state); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkMergerFold folds merge patches shaped like bench/matrix.sh's
// logs, with the Merger (which owns its state) and with MergePatchJSON
// (persistent: every patch copies the paths it changes). wide: 12 of the
// 400 members of one object per patch; nested: a ledger of 50 accounts,
// {"acct-7":{"balance":…,"tx":…},"n":…}. The Merger hands its state out
// every 10,000 patches, as the debugger's keyframes ask for it.
func BenchmarkMergerFold(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	wide := make([][]byte, 1000)
	for i := range wide {
		var p []byte
		start := rng.IntN(400)
		for j := range 12 {
			p = fmt.Appendf(p, `,"field-%d":%d`, (start+j*31)%400, rng.IntN(1_000_000))
		}
		p[0] = '{'
		wide[i] = append(p, '}')
	}
	var whole []byte
	for j := range 400 {
		whole = fmt.Appendf(whole, `,"field-%d":%d`, j, j)
	}
	whole[0] = '{'
	wideStart, err := Decode(append(whole, '}'))
	if err != nil {
		b.Fatal(err)
	}
	nested := make([][]byte, 1000)
	for i := range nested {
		nested[i] = fmt.Appendf(nil, `{"acct-%d":{"balance":%d,"tx":%d},"n":%d}`, rng.IntN(50), rng.IntN(100_000), i, i+1)
	}
	for _, c := range []struct {
		name    string
		start   any
		patches [][]byte
	}{{"wide", wideStart, wide}, {"nested", nil, nested}} {
		b.Run(c.name+"/Merger", func(b *testing.B) {
			m := NewMerger(c.start)
			i := 0
			for b.Loop() {
				if err := m.Merge(c.patches[i%len(c.patches)]); err != nil {
					b.Fatal(err)
				}
				if i++; i%10_000 == 0 {
					m.State()
				}
			}
			m.State()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/patch")
		})
		b.Run(c.name+"/MergePatchJSON", func(b *testing.B) {
			state := c.start
			i := 0
			for b.Loop() {
				var err error
				if state, err = MergePatchJSON(state, c.patches[i%len(c.patches)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/patch")
		})
	}
}

package jsonv

import (
	"fmt"
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

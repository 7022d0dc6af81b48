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

package tui

import (
	"runtime"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestADeeplyNestedStateCostsInProportionToItsSize(t *testing.T) {
	const depth = 10_000
	v, err := jsonv.Decode([]byte(strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)))
	if err != nil {
		t.Fatal(err)
	}
	doc := JSONDoc(v)
	var rows []Row
	var total int
	// 10,000 levels: paths of up to 20,000 bytes. Built anew at every
	// level, they came to about a gigabyte; kept as one growing text, a
	// few hundred kilobytes.
	got := allocated(func() { rows, total = doc.Rows(map[string]bool{".x": true}, depth-5, 10) })
	if total != 2*depth+1 || len(rows) != 10 {
		t.Fatalf("%d rows in all, %d in the window; want %d and 10", total, len(rows), 2*depth+1)
	}
	if got > 8<<20 {
		t.Errorf("laying out rows of a value %d deep allocated %d MB", depth, got>>20)
	}
	if want := strings.Repeat(".a", depth-5); rows[0].Path != want[:len(want)] {
		t.Errorf("row %d is at %.40s…, want .a repeated %d times", depth-5, rows[0].Path, depth-5)
	}
	screen := allocated(func() {
		st := newStyles(true)
		for _, r := range rows {
			renderRow(st, r, 60, 0, false, false, false)
		}
	})
	if screen > 1<<20 {
		t.Errorf("rendering 10 rows at depth %d allocated %d KB", depth, screen>>10)
	}
}

func TestAHugeValueIsCutBeforeItIsShown(t *testing.T) {
	huge := strings.Repeat("é", 10_000_000) // 20 MB
	v, err := jsonv.Decode([]byte(`{"s":"` + huge + `","t":1}`))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := JSONDoc(v).Rows(nil, 0, 10)
	if len(rows) != 4 || len(rows[1].Text) > maxValueText+64 || !strings.HasSuffix(rows[1].Text, `…" (20000000 bytes)`) {
		t.Fatalf("the row of a 20 MB string is %d bytes: %.80s…", len(rows[1].Text), rows[1].Text)
	}
	st := newStyles(true)
	changes := []Change{{Path: ".s", Kind: "changed", Old: `"` + huge + `"`, New: `"x"`}, {Path: ".s", Kind: "added", New: huge}}
	var lines []string
	got := allocated(func() { lines = renderDiff(st, changes, 80, 10, 0, false) })
	if got > 1<<20 || len(lines) != 2 {
		t.Errorf("rendering the diff of a 20 MB value allocated %d KB (%d lines)", got>>10, len(lines))
	}
}

// A window of rows is the same rows wherever it is cut from, and every
// window counts the same rows in all, past it too, where the members are
// counted without their paths being written.
func TestRowsAreTheSameInEveryWindow(t *testing.T) {
	v, err := jsonv.Decode([]byte(`{"a":1,"b":{"c":[1,2,{"d":3}],"e":{}},"f":[],"g":[[4],{"h":5}],"i":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, folded := range []map[string]bool{nil, {".b.c": true}} {
		doc := JSONDoc(v)
		_, total := doc.Rows(folded, 0, 0)
		all, n := doc.Rows(folded, 0, total)
		if n != total || len(all) != total {
			t.Fatalf("folded %v: %d rows laid out, %d and %d counted", folded, len(all), n, total)
		}
		for from := range total {
			for size := 1; from+size <= total; size++ {
				rows, n := doc.Rows(folded, from, size)
				if n != total {
					t.Fatalf("folded %v: the window %d+%d counts %d rows in all, want %d", folded, from, size, n, total)
				}
				for i, r := range rows {
					if r != all[from+i] {
						t.Fatalf("folded %v: row %d of the window %d+%d is %+v, want %+v", folded, i, from, size, r, all[from+i])
					}
				}
				if len(rows) != size {
					t.Fatalf("folded %v: the window %d+%d has %d rows", folded, from, size, len(rows))
				}
			}
		}
	}
}

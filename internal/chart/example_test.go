package chart_test

import (
	"fmt"
	"strings"

	"github.com/replaytui/replaytui/internal/chart"
)

func Example() {
	s := chart.NewSeries(0)
	for seq, balance := range []float64{100, 150, 150, 80, 200, 200, 260} {
		s.Add(uint64(seq+1), balance)
	}
	out := chart.Render(s, chart.Options{Width: 20, Height: 6, Cursor: 4, Bookmarks: []uint64{6}})
	for _, line := range strings.Split(out, "\n") {
		fmt.Println(strings.TrimRight(line, " "))
	}
	// Output:
	// 260 ┤      ┊      ⡏⠉
	//     │  ⢀⣀⣀⣀⣀  ⡏⠉⠉⠉⠁
	//  80 ┤⠤⠤⠼   ⢸⣀⣀⡇
	//     └──────┴────────
	//                 ◆
	//      1     4       7
}

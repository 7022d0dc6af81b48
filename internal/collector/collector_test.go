package collector

import (
	"runtime/debug"
	"testing"
	"time"
)

func TestTunedOnlyWhereNobodyChose(t *testing.T) {
	for name, tune := range map[string]func() func(){
		"Percent":  func() func() { return Percent(200) },
		"Headroom": func() func() { return Headroom(1 << 40) }, // any live heap: 800
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			restore := tune()
			deadline := time.Now().Add(5 * time.Second)
			for current() == 100 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if got := current(); got == 100 {
				t.Errorf("with nothing chosen, the percentage stayed 100")
			}
			restore()
			if got := current(); got != 100 {
				t.Errorf("not restored: %d", got)
			}

			t.Setenv("GOGC", "50")
			restore = tune()
			time.Sleep(300 * time.Millisecond)
			if got := current(); got != 100 {
				t.Errorf("under GOGC=50 the percentage was changed to %d", got)
			}
			restore()
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "1GiB")
			restore = tune()
			time.Sleep(300 * time.Millisecond)
			if got := current(); got != 100 {
				t.Errorf("under GOMEMLIMIT the percentage was changed to %d", got)
			}
			restore()
			t.Setenv("GOMEMLIMIT", "")

			debug.SetGCPercent(75) // a program's own choice
			defer debug.SetGCPercent(100)
			restore = tune()
			time.Sleep(300 * time.Millisecond)
			if got := current(); got != 75 {
				t.Errorf("a program's own 75 became %d", got)
			}
			restore()
			if got := current(); got != 75 {
				t.Errorf("a program's own 75 became %d once done", got)
			}
		})
	}
}

func current() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestPercentForKeepsTheRoom(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 800},
		{10 * mib, 800},   // 3,840%: capped
		{160 * mib, 240},  // the frame benchmark's keyframes
		{300 * mib, 120},  // 128, in steps of 20
		{384 * mib, 100},  // the room is the default's
		{2048 * mib, 100}, // never below the default
	} {
		if got := percentFor(384*mib, c.live); got != c.want {
			t.Errorf("live %d MiB: %d%%, want %d%%", c.live/mib, got, c.want)
		}
	}
}

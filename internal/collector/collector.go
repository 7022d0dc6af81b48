// Package collector tunes the Go garbage collector for the replaytui
// binary's commands. The collector's settings belong to the whole
// process, so cli changes them only in a program that asked
// (cli.TuneCollector), and never where someone chose them: GOGC or
// GOMEMLIMIT in the environment, or a percentage the program set itself
// (debug.SetGCPercent), always win.
package collector

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Percent sets the collector's percentage until the returned function is
// called, unless someone chose it (see the package comment). A batch
// command that allocates briskly and keeps little collects less often so.
func Percent(percent int) (restore func()) {
	if chosen() {
		return func() {}
	}
	debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(100) }
}

// chosen reports whether the user or the program chose the collector's
// settings. It reads the percentage by setting it, and puts back what it
// read.
func chosen() bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return true
	}
	was := debug.SetGCPercent(100)
	debug.SetGCPercent(was)
	return was != 100
}

// Room is the headroom the debugger keeps above its live heap. The heap a
// debugger holds is mostly keyframes (up to 256 MiB of states): every
// collection marks them all, and a frame drawn while one runs is slower.
// With the default percentage a jump of the frame benchmark met a
// collection every few hundred frames and its p99 was 18-21 ms; with
// this headroom, 11-12 ms (go test ./tui -run '^$' -bench Frame/jump).
const Room = 384 << 20

// Headroom keeps the collector's goal at least room bytes above the live
// heap, and never below the default (twice the live heap), until the
// returned function is called, unless someone chose the settings. It
// reads the live heap four times a second: the percentage follows the
// heap as the debugger's keyframes fill their budget.
func Headroom(room uint64) (stop func()) {
	if chosen() {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		percent := 100
		for {
			metrics.Read(sample)
			if p := percentFor(room, sample[0].Value.Uint64()); p != percent {
				percent = p
				debug.SetGCPercent(p)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		debug.SetGCPercent(100)
	}
}

// percentFor is the percentage that puts the collector's goal room bytes
// above a live heap of live bytes: 100 at least, 800 at most (a live heap
// that small costs little to mark however often), in steps of 20 so that
// the percentage does not move for every few bytes the heap does.
func percentFor(room, live uint64) int {
	if live == 0 {
		return 800
	}
	p := int(min(room*100/live, 800))
	return max(100, p/20*20)
}

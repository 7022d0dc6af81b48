package reduce

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"sync"
	"time"
)

// Guard bounds what one apply of a jq reducer may take, so that a runaway
// program (def f: f; f, or [range(1e9)]) ends with an error naming its
// event instead of running for ever or eating the machine's memory:
//
//   - Time: an apply that runs longer fails with ErrTimeBudget;
//   - Memory: an apply during which the heap grows by more fails with
//     ErrMemoryBudget (the heap is the process's, so memory that other
//     goroutines allocate meanwhile counts too: the figure is a guard
//     against runaways, not an accounting);
//   - Interrupt, and the end of the context given to NewGuard (Ctrl-C),
//     stop the applies running at that moment with ErrInterrupted.
//
// The merge, patch and set reducers take time and memory in proportion to
// their event's payload, so only jq programs are guarded.
type Guard struct {
	time   time.Duration
	memory uint64
	parent context.Context

	mu     sync.Mutex
	epoch  context.Context // what Interrupt ends
	cancel context.CancelCauseFunc

	watch watchdog
}

// Errors a guarded apply fails with; each is wrapped with the figure.
var (
	ErrTimeBudget   = errors.New("ran out of its time budget")
	ErrMemoryBudget = errors.New("ran out of its memory budget")
	ErrInterrupted  = errors.New("interrupted")
)

// NewGuard returns a guard whose applies stop when ctx ends. maxTime and
// maxMemory (bytes) are per event; zero means no bound.
func NewGuard(ctx context.Context, maxTime time.Duration, maxMemory int64) *Guard {
	g := &Guard{time: maxTime, memory: uint64(max(maxMemory, 0)), parent: ctx}
	g.epoch, g.cancel = context.WithCancelCause(ctx)
	return g
}

// Interrupt stops the applies running now; later ones run as usual. The
// debugger calls it when the user stops a seek (esc).
func (g *Guard) Interrupt() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cancel(ErrInterrupted)
	g.epoch, g.cancel = context.WithCancelCause(g.parent)
}

// begin returns the context one apply runs under, and its end.
func (g *Guard) begin() (context.Context, func()) {
	g.mu.Lock()
	ctx := g.epoch
	g.mu.Unlock()
	if g.time == 0 && g.memory == 0 {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	var timer *time.Timer
	if g.time > 0 {
		timer = time.AfterFunc(g.time, func() { cancel(fmt.Errorf("%w of %s per event (--apply-timeout)", ErrTimeBudget, g.time)) })
	}
	var stopWatch func()
	if g.memory > 0 {
		stopWatch = g.watch.add(g.memory, func(grew uint64) {
			cancel(fmt.Errorf("%w: the heap grew by %s, more than %s per event (--apply-memory)", ErrMemoryBudget, bytesText(grew), bytesText(g.memory)))
		})
	}
	return ctx, func() {
		if timer != nil {
			timer.Stop()
		}
		if stopWatch != nil {
			stopWatch()
		}
		cancel(nil)
	}
}

// failure turns the end of an apply's context into its error.
func failure(ctx context.Context) error {
	cause := context.Cause(ctx)
	switch {
	case cause == nil:
		return nil
	case errors.Is(cause, ErrTimeBudget), errors.Is(cause, ErrMemoryBudget), errors.Is(cause, ErrInterrupted):
		return cause
	}
	return fmt.Errorf("%w: %w", ErrInterrupted, cause) // the guard's context ended: Ctrl-C
}

func bytesText(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// watchdog samples the heap while guarded applies run, and tells each
// whose heap growth passed its budget.
type watchdog struct {
	mu      sync.Mutex
	next    int
	running map[int]*watched
	looping bool
}

type watched struct {
	base, budget uint64
	over         func(grew uint64)
}

const watchEvery = 10 * time.Millisecond

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func (w *watchdog) add(budget uint64, over func(uint64)) func() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running == nil {
		w.running = map[int]*watched{}
	}
	id := w.next
	w.next++
	w.running[id] = &watched{base: heapBytes(), budget: budget, over: over}
	if !w.looping {
		w.looping = true
		go w.loop()
	}
	return func() {
		w.mu.Lock()
		delete(w.running, id)
		w.mu.Unlock()
	}
}

// loop runs while any apply is watched; most applies end before its first
// tick and cost one map entry.
func (w *watchdog) loop() {
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for range t.C {
		heap := heapBytes()
		w.mu.Lock()
		if len(w.running) == 0 {
			w.looping = false
			w.mu.Unlock()
			return
		}
		for id, r := range w.running {
			if heap > r.base && heap-r.base > r.budget {
				r.over(heap - r.base)
				delete(w.running, id)
			}
		}
		w.mu.Unlock()
	}
}

package reduce

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// Guard bounds what one apply of a jq reducer may take, so that a runaway
// program (def f: f; f, or [range(1e9)]) ends with an error naming its
// event instead of running for ever or eating the machine's memory:
//
//   - Time: an apply that runs longer fails with ErrTimeBudget;
//   - Memory: an apply during which the heap grows by more fails with
//     ErrMemoryBudget (the heap is the process's, so memory that other
//     goroutines allocate meanwhile counts too, and the growth is
//     measured from the watchdog's last look before the apply began: the
//     figure is a guard against runaways, not an accounting);
//   - Interrupt, and the end of the context given to NewGuard (Ctrl-C),
//     stop the applies running at that moment with ErrInterrupted.
//
// The merge, patch and set reducers take time and memory in proportion to
// their event's payload, so only jq programs are guarded.
type Guard struct {
	time   time.Duration
	memory uint64
	parent context.Context

	mu      sync.Mutex
	epoch   context.Context // what Interrupt ends
	cancel  context.CancelCauseFunc
	slots   []*applySlot // every slot, for the watchdog
	free    []*applySlot // the slots no apply is running in
	looping bool         // the watchdog runs

	heap atomic.Uint64 // the heap at the watchdog's last look
}

// applySlot is where one apply at a time runs. Its context is kept from
// one apply to the next until something ends it, and one watchdog looks
// at every slot, so that an apply costs no context, timer or heap
// reading of its own.
type applySlot struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelCauseFunc
	active bool
	start  time.Time
	base   uint64 // the heap when the apply began, as last seen
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
	defer g.mu.Unlock()
	if g.time == 0 && g.memory == 0 {
		return g.epoch, func() {}
	}
	if !g.looping {
		g.looping = true
		g.heap.Store(heapBytes())
		go g.watch()
	}
	var s *applySlot
	if n := len(g.free); n > 0 {
		s, g.free = g.free[n-1], g.free[:n-1]
	} else {
		s = &applySlot{}
		g.slots = append(g.slots, s)
	}
	s.mu.Lock()
	if s.ctx == nil || s.ctx.Err() != nil {
		s.ctx, s.cancel = context.WithCancelCause(g.epoch)
	}
	s.active, s.start, s.base = true, time.Now(), g.heap.Load()
	ctx := s.ctx
	s.mu.Unlock()
	return ctx, func() {
		s.mu.Lock()
		s.active = false
		s.mu.Unlock()
		g.mu.Lock()
		g.free = append(g.free, s)
		g.mu.Unlock()
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

const watchEvery = 10 * time.Millisecond

// watchIdle is how long the watchdog stays with no apply running.
const watchIdle = time.Second

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// watch ends the applies that passed their budget, looking every
// watchEvery (more often for a time budget shorter than a few of those),
// until no apply has run for watchIdle.
func (g *Guard) watch() {
	every := watchEvery
	if g.time > 0 {
		every = max(min(every, g.time/4), time.Millisecond)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	idleSince := time.Now()
	for now := range t.C {
		var heap uint64
		if g.memory > 0 {
			heap = heapBytes()
			g.heap.Store(heap)
		}
		g.mu.Lock()
		slots := g.slots
		g.mu.Unlock()
		busy := false
		for _, s := range slots {
			s.mu.Lock()
			if s.active {
				busy = true
				switch {
				case g.time > 0 && now.Sub(s.start) > g.time:
					s.cancel(fmt.Errorf("%w of %s per event (--apply-timeout)", ErrTimeBudget, g.time))
				case g.memory > 0 && heap > s.base && heap-s.base > g.memory:
					s.cancel(fmt.Errorf("%w: the heap grew by %s, more than %s per event (--apply-memory)", ErrMemoryBudget, bytesText(heap-s.base), bytesText(g.memory)))
				}
			}
			s.mu.Unlock()
		}
		if busy {
			idleSince = now
			continue
		}
		if now.Sub(idleSince) < watchIdle {
			continue
		}
		// Stop, unless an apply began since the look above: begin
		// starts a watchdog only when none runs.
		g.mu.Lock()
		stop := true
		for _, s := range g.slots {
			s.mu.Lock()
			stop = stop && !s.active
			s.mu.Unlock()
		}
		if stop {
			g.looping = false
		}
		g.mu.Unlock()
		if stop {
			return
		}
	}
}

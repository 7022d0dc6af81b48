package replay_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/replaytui/replaytui/replay"
)

// interleaved appends events to three accounts in a mixed order; each
// payload is an amount, the n-th event appended carrying n.
func interleaved(t *testing.T) *replay.MemoryLog[int] {
	t.Helper()
	log := replay.NewMemoryLog[int]()
	for i, s := range []replay.StreamKey{"a", "b", "a", "c", "b", "a", "c", "a"} {
		if _, err := log.Append(context.Background(), replay.Event[int]{Stream: s, Payload: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	return log
}

func TestGlobalFoldsStreamsInAppendOrder(t *testing.T) {
	ctx := context.Background()
	g, err := replay.Global(replay.Log[int](interleaved(t)))
	if err != nil {
		t.Fatal(err)
	}
	events, err := g.Read(ctx, g.Key(), 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, ev := range events {
		if ev.Seq != replay.Seq(i+1) || ev.Payload != i+1 {
			t.Errorf("event %d: seq %d payload %d, want seq and payload %d", i, ev.Seq, ev.Payload, i+1)
		}
		got = append(got, string(ev.Stream))
	}
	if want := []string{"a", "b", "a", "c", "b", "a", "c", "a"}; !slices.Equal(got, want) {
		t.Errorf("streams %v, want %v", got, want)
	}
	total, err := replay.Replay(ctx, g, nil, g.Key(), 0, sum, 0, replay.Options{BatchSize: 3})
	if err != nil || total != 36 {
		t.Errorf("Replay = %d, %v; want 36 (1+…+8)", total, err)
	}
	last, err := g.LastSeq(ctx, g.Key())
	if err != nil || last != 8 {
		t.Errorf("LastSeq = %d, %v; want 8", last, err)
	}
	stream, seq, err := g.Origin(ctx, 6)
	if err != nil || stream != "a" || seq != 3 {
		t.Errorf("Origin(6) = %q %d, %v; want the third event of a", stream, seq, err)
	}
	if _, _, err := g.Origin(ctx, 9); !errors.Is(err, replay.ErrPastEnd) {
		t.Errorf("Origin(9) = %v, want ErrPastEnd", err)
	}
	// Other keys are the wrapped log's streams.
	b, err := g.Read(ctx, "b", 1, 10)
	if err != nil || len(b) != 2 || b[1].Payload != 5 || b[1].Seq != 2 {
		t.Errorf("Read(b) = %v, %v", b, err)
	}
}

func TestGlobalOfChosenStreams(t *testing.T) {
	ctx := context.Background()
	g, err := replay.Global(replay.Log[int](interleaved(t)), "c", "b")
	if err != nil {
		t.Fatal(err)
	}
	if streams, ok := replay.GlobalStreams(g.Key()); !ok || !slices.Equal(streams, []replay.StreamKey{"c", "b"}) {
		t.Errorf("GlobalStreams(%q) = %v, %v", g.Key(), streams, ok)
	}
	if g.Key() == replay.GlobalKey() || replay.GlobalKey("") == replay.GlobalKey() {
		t.Error("a choice of streams has the key of every stream")
	}
	if streams, ok := replay.GlobalStreams(replay.GlobalKey("")); !ok || len(streams) != 1 || streams[0] != "" {
		t.Errorf("GlobalStreams(GlobalKey(\"\")) = %q, %v", streams, ok)
	}
	// Seek into the middle first: the seqs before are learnt on the way.
	events, err := g.Read(ctx, g.Key(), 3, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 || events[0].Seq != 3 || events[0].Payload != 5 || events[1].Payload != 7 {
		t.Fatalf("Read from 3 = %+v, want b's second event (5) then c's second (7)", events)
	}
	tl, err := replay.NewTimeline(replay.Log[int](g), g.Key(), sum, 0, replay.TimelineOptions[int]{})
	if err != nil {
		t.Fatal(err)
	}
	state, _, err := tl.Seek(ctx, 2)
	if err != nil || state != 2+4 {
		t.Errorf("Seek(2) = %d, %v; want 6", state, err)
	}
	state, _, err = tl.Seek(ctx, 4)
	if err != nil || state != 2+4+5+7 {
		t.Errorf("Seek(4) = %d, %v; want 18", state, err)
	}
}

// gappyOrder is a global order whose positions have gaps, as a table's ids do.
type gappyOrder struct {
	*replay.MemoryLog[int]
	reads int
}

func (g *gappyOrder) ReadGlobal(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]replay.GlobalEvent[int], error) {
	g.reads++
	// Positions 10, 20, 30…: ask the log from the one at or after from.
	events, err := g.MemoryLog.ReadGlobal(ctx, streams, (from+9)/10, limit)
	for i := range events {
		events[i].Position *= 10
	}
	return events, err
}

func TestGlobalPositionsWithGaps(t *testing.T) {
	ctx := context.Background()
	g, err := replay.Global(replay.Log[int](&gappyOrder{MemoryLog: interleaved(t)}))
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []replay.Seq{5, 1, 8, 2} {
		events, err := g.Read(ctx, g.Key(), from, 2)
		if err != nil || len(events) == 0 || events[0].Payload != int(from) || events[0].Seq != from {
			t.Errorf("Read from %d = %+v, %v; want the event appended %d-th", from, events, err, from)
		}
	}
	if events, err := g.Read(ctx, g.Key(), 9, 2); err != nil || len(events) != 0 {
		t.Errorf("Read past the end = %v, %v; want none", events, err)
	}
}

func TestGlobalNeedsTheCapability(t *testing.T) {
	type plain struct{ replay.Log[int] }
	_, err := replay.Global(replay.Log[int](plain{replay.NewMemoryLog[int]()}))
	if !errors.Is(err, replay.ErrNoGlobalOrder) {
		t.Errorf("Global of a log without a global order = %v, want ErrNoGlobalOrder", err)
	}
	if _, err := replay.Global(replay.Log[int](replay.NewMemoryLog[int]()), replay.GlobalKey()); err == nil {
		t.Error("Global accepted a stream named as its own key")
	}
}

func TestGlobalIsReadOnlyAndHonoursContext(t *testing.T) {
	log := interleaved(t)
	g, err := replay.Global(replay.Log[int](log))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Append(context.Background(), replay.Event[int]{Stream: g.Key(), Payload: 1}); err == nil {
		t.Error("Append to the global stream succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Read(ctx, g.Key(), 1, 10); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context = %v", err)
	}
	if _, err := g.LastSeq(ctx, g.Key()); !errors.Is(err, context.Canceled) {
		t.Errorf("LastSeq with a cancelled context = %v", err)
	}
	// Events appended later come after: a live log's global order grows.
	if _, err := g.Append(context.Background(), replay.Event[int]{Stream: "d", Payload: 9}); err != nil {
		t.Fatal(err)
	}
	last, err := g.LastSeq(context.Background(), g.Key())
	if err != nil || last != 9 {
		t.Errorf("LastSeq after an append = %d, %v; want 9", last, err)
	}
}

func ExampleGlobal() {
	ctx := context.Background()
	log := replay.NewMemoryLog[int]()
	for _, s := range []replay.StreamKey{"acct-1", "acct-2", "acct-1"} {
		log.Append(ctx, replay.Event[int]{Stream: s, Payload: 10})
	}
	g, _ := replay.Global(replay.Log[int](log))
	total, _ := replay.Replay(ctx, g, nil, g.Key(), 0, func(s int, ev replay.Event[int]) int { return s + ev.Payload }, 0, replay.Options{})
	fmt.Println("total of every account:", total)
	// Output: total of every account: 30
}

// countingOrder counts the events ReadGlobal reads, and can tell where
// they are without reading them.
type countingOrder struct {
	*replay.MemoryLog[int]
	events int
}

func (c *countingOrder) ReadGlobal(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]replay.GlobalEvent[int], error) {
	read, err := c.MemoryLog.ReadGlobal(ctx, streams, from, limit)
	c.events += len(read)
	return read, err
}

func (c *countingOrder) GlobalPositions(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]uint64, error) {
	read, err := c.MemoryLog.ReadGlobal(ctx, streams, from, limit)
	pos := make([]uint64, len(read))
	for i, ge := range read {
		pos[i] = ge.Position
	}
	return pos, err
}

func TestGlobalJumpsWithoutReadingEventsBefore(t *testing.T) {
	ctx := context.Background()
	log := &countingOrder{MemoryLog: replay.NewMemoryLog[int]()}
	for i := range 5000 {
		if _, err := log.Append(ctx, replay.Event[int]{Stream: replay.StreamKey(fmt.Sprint("s", i%7)), Payload: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	for _, streams := range [][]replay.StreamKey{nil, {"s3", "s5"}} {
		log.events = 0
		g, err := replay.Global(replay.Log[int](log), streams...)
		if err != nil {
			t.Fatal(err)
		}
		last, err := g.LastSeq(ctx, g.Key())
		if err != nil || log.events != 0 {
			t.Fatalf("LastSeq = %d, %v, reading %d events; want none read", last, err, log.events)
		}
		events, err := g.Read(ctx, g.Key(), last-2, 10)
		if err != nil || len(events) != 3 || events[2].Seq != last {
			t.Fatalf("Read near the end = %+v, %v", events, err)
		}
		if log.events != 3 {
			t.Errorf("streams %v: a jump to seq %d read %d events, want the 3 shown", streams, last-2, log.events)
		}
		want := 5000
		if streams != nil {
			want = 4997 // the last appended with i%7 of 3 or 5: i = 4996
		}
		if events[2].Payload != want {
			t.Errorf("the last event carries %d, want %d", events[2].Payload, want)
		}
	}
}

func TestGlobalKeyOfStreamsWithNULs(t *testing.T) {
	ctx := context.Background()
	log := replay.NewMemoryLog[int]()
	for i, s := range []replay.StreamKey{"a\x00b", "a", "b", "a\x00b", "\x01\x00"} {
		if _, err := log.Append(ctx, replay.Event[int]{Stream: s, Payload: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	chosen := []replay.StreamKey{"a\x00b", "\x01\x00"}
	g, err := replay.Global(replay.Log[int](log), chosen...)
	if err != nil {
		t.Fatal(err)
	}
	if streams, ok := replay.GlobalStreams(g.Key()); !ok || !slices.Equal(streams, chosen) {
		t.Errorf("GlobalStreams(%q) = %q, %v; want %q", g.Key(), streams, ok, chosen)
	}
	if !slices.Equal(g.Chosen(), chosen) {
		t.Errorf("Chosen() = %q, want %q", g.Chosen(), chosen)
	}
	if replay.GlobalKey("a\x00b") == replay.GlobalKey("a", "b") {
		t.Error("a stream named a NUL b has the key of streams a and b")
	}
	events, err := g.Read(ctx, g.Key(), 1, 10)
	if err != nil || len(events) != 3 || events[0].Payload != 1 || events[1].Payload != 4 || events[2].Payload != 5 {
		t.Errorf("Read = %+v, %v; want the events appended 1st, 4th and 5th", events, err)
	}
}

func TestGlobalRefusesALogStreamNamedAsItsKey(t *testing.T) {
	ctx := context.Background()
	log := replay.NewMemoryLog[int]()
	if _, err := log.Append(ctx, replay.Event[int]{Stream: replay.GlobalKey("x"), Payload: 1}); err != nil {
		t.Fatal(err)
	}
	g, err := replay.Global(replay.Log[int](log))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Read(ctx, g.Key(), 1, 10); err == nil {
		t.Error("the global order read a stream named as a global key")
	}
}

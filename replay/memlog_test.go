package replay_test

import (
	"context"
	"testing"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/replay/replaytest"
)

func TestMemoryLog(t *testing.T) {
	replaytest.TestLog(t, func(*testing.T) replay.Log[replaytest.Payload] {
		return replay.NewMemoryLog[replaytest.Payload]()
	})
}

func TestMemoryLogGlobalOrder(t *testing.T) {
	replaytest.TestGlobalReader(t, func(*testing.T) replay.Log[replaytest.Payload] {
		return replay.NewMemoryLog[replaytest.Payload]()
	})
}

func TestMemorySnapshotter(t *testing.T) {
	replaytest.TestSnapshotter(t, func(*testing.T) replay.Snapshotter[replaytest.Payload] {
		return replay.NewMemorySnapshotter[replaytest.Payload]()
	})
}

func TestMemoryLogReadSharedCannotWriteIntoTheLog(t *testing.T) {
	ctx := context.Background()
	log := ints(t, 4)
	shared, err := log.ReadShared(ctx, "s", 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if cap(shared) != len(shared) {
		t.Fatalf("ReadShared returned cap %d > len %d: appending would write into the log", cap(shared), len(shared))
	}
	_ = append(shared, replay.Event[int]{Stream: "s", Seq: 3, Payload: -1})
	third, err := log.Read(ctx, "s", 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if third[0].Payload != 3 {
		t.Fatalf("seq 3 payload = %d after appending to a shared slice, want 3", third[0].Payload)
	}
}

func TestMemoryLogLatestAndStreams(t *testing.T) {
	ctx := context.Background()
	log := replay.NewMemoryLog[int]()
	for _, s := range []replay.StreamKey{"b", "a", "b"} {
		if _, err := log.Append(ctx, replay.Event[int]{Stream: s}); err != nil {
			t.Fatal(err)
		}
	}
	for stream, want := range map[replay.StreamKey]replay.Seq{"a": 1, "b": 2, "none": 0} {
		if got := log.Latest(stream); got != want {
			t.Errorf("Latest(%q) = %d; want %d", stream, got, want)
		}
		if got, err := log.LastSeq(ctx, stream); err != nil || got != want {
			t.Errorf("LastSeq(%q) = %d, %v; want %d", stream, got, err, want)
		}
	}
	streams, err := log.Streams(ctx)
	if err != nil || len(streams) != 2 || streams[0] != "a" || streams[1] != "b" {
		t.Fatalf("Streams() = %v, %v; want [a b]", streams, err)
	}
}

func TestMemoryLogRejectsNonPositiveLimit(t *testing.T) {
	if _, err := ints(t, 1).Read(context.Background(), "s", 1, 0); err == nil {
		t.Fatal("Read with limit 0 succeeded; want an error saying the limit must be positive")
	}
}

// ints returns a log whose stream "s" has n events; event i has payload i.
func ints(t testing.TB, n int) *replay.MemoryLog[int] {
	t.Helper()
	log := replay.NewMemoryLog[int]()
	for i := 1; i <= n; i++ {
		if _, err := log.Append(context.Background(), replay.Event[int]{Stream: "s", Payload: i}); err != nil {
			t.Fatal(err)
		}
	}
	return log
}

// sum is a pure apply: the state is the sum of the payloads.
func sum(state int, ev replay.Event[int]) int { return state + ev.Payload }

package jetstream

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/replay/replaytest"
)

// Benchmarks against the real server (REPLAY_TEST_NATS):
//
//	go test ./sources/jetstream -run '^$' -bench . -benchtime 1x
//
// They report events per second.

func BenchmarkAppend(b *testing.B) {
	_, js := server(b)
	for _, writers := range []int{1, 8} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			log := newLog[int](b, js)
			const each = 2000
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				var wg sync.WaitGroup
				for w := range writers {
					wg.Go(func() {
						stream := replay.StreamKey(fmt.Sprintf("w%d-%d", w, time.Now().UnixNano()))
						for i := range each {
							if _, err := log.Append(ctx, replay.Event[int]{Stream: stream, Payload: i}); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(writers*each*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// million fills a stream with a 1,000,000-event replay stream "big"
// (asynchronous publishes, as a bulk load would) whose payloads are
// {"n": i}, interleaved with a second stream every tenth message so that
// reads filter by subject.
func million(b *testing.B) (*Log[map[string]int], jetstream.JetStream) {
	_, js := server(b)
	log := newLog[map[string]int](b, js)
	const n = 1_000_000
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		if i%2000 == 0 {
			// Let the server catch up (the publisher allows 4,000
			// pending): a loaded machine otherwise stalls the publisher
			// ("too many outstanding async published messages").
			<-js.PublishAsyncComplete()
		}
		for _, s := range []replay.StreamKey{"big", "other"}[:1+min(1, i%10/9)] {
			m := nats.NewMsg(log.subject(s))
			m.Data = []byte(`{"n":` + strconv.Itoa(i) + `}`)
			seq := i
			if s == "other" {
				seq = i / 10
			}
			m.Header.Set(HeaderSeq, strconv.Itoa(seq))
			if _, err := js.PublishMsgAsync(m); err != nil {
				b.Fatal(err)
			}
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(5 * time.Minute):
		b.Fatal("the bulk load did not complete")
	}
	if last, err := log.LastSeq(ctx, "big"); err != nil || last != n {
		b.Fatalf("the bulk load left %d events (%v)", last, err)
	}
	return log, js
}

func BenchmarkRead1M(b *testing.B) {
	log, _ := million(b)
	replaytest.BenchRead(b, log, "big", 1_000_000)
}

// BenchmarkReplay1M replays the stream whole (replaytest.BenchReplay),
// its checkpoints in key-value buckets.
func BenchmarkReplay1M(b *testing.B) {
	log, js := million(b)
	snap, _ := NewSnapshotter[int](js, newBucket(b, js), nil, nil)
	fresh := func(b *testing.B) replay.Snapshotter[int] {
		s, _ := NewSnapshotter[int](js, newBucket(b, js), nil, nil)
		return s
	}
	replaytest.BenchReplay(b, log, "big", 1_000_000, fresh, snap)
}

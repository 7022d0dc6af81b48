package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/replay/replaytest"
)

// pool connects to the test server named by REPLAY_TEST_POSTGRES, or
// skips: .ci/run sets it, and fails when the server does not answer.
func pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := os.Getenv("REPLAY_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("REPLAY_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable); .ci/run sets it")
	}
	p, err := Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// tables creates fresh events and checkpoints tables, dropped after the
// test.
func tables(t testing.TB, p *pgxpool.Pool) (events, checkpoints string) {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	suffix := hex.EncodeToString(b[:])
	events, checkpoints = "test_events_"+suffix, "test_checkpoints_"+suffix
	if err := CreateSchema(context.Background(), p, events, checkpoints); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Exec(context.Background(), "DROP TABLE IF EXISTS "+quote(events)+", "+quote(checkpoints))
	})
	return events, checkpoints
}

func TestLogConformance(t *testing.T) {
	p := pool(t)
	replaytest.TestLog(t, func(t *testing.T) replay.Log[replaytest.Payload] {
		events, _ := tables(t, p)
		log, err := NewLog[jsonRaw](p, events)
		if err != nil {
			t.Fatal(err)
		}
		return rawLog{log}
	})
}

func TestSnapshotterConformance(t *testing.T) {
	p := pool(t)
	replaytest.TestSnapshotter(t, func(t *testing.T) replay.Snapshotter[replaytest.Payload] {
		_, checkpoints := tables(t, p)
		s, err := NewSnapshotter[replaytest.Payload](p, checkpoints,
			func(s replaytest.Payload) ([]byte, error) { return s, nil },
			func(b []byte) (replaytest.Payload, error) { return replaytest.Payload(b), nil })
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// The suite speaks json.RawMessage; the log stores jsonv payloads.
type jsonRaw = jsonv.Payload

type rawLog struct{ *Log[jsonRaw] }

func (r rawLog) Append(ctx context.Context, ev replay.Event[replaytest.Payload]) (replay.Seq, error) {
	return r.Log.Append(ctx, replay.Event[jsonRaw]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: jsonv.Payload{Value: ev.Payload}})
}

func (r rawLog) Read(ctx context.Context, s replay.StreamKey, from replay.Seq, limit int) ([]replay.Event[replaytest.Payload], error) {
	events, err := r.Log.Read(ctx, s, from, limit)
	out := make([]replay.Event[replaytest.Payload], len(events))
	for i, ev := range events {
		out[i] = replay.Event[replaytest.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: replaytest.Payload(ev.Payload.Value)}
	}
	return out, err
}

func (r rawLog) ReadGlobal(ctx context.Context, streams []replay.StreamKey, from uint64, limit int) ([]replay.GlobalEvent[replaytest.Payload], error) {
	read, err := r.Log.ReadGlobal(ctx, streams, from, limit)
	out := make([]replay.GlobalEvent[replaytest.Payload], len(read))
	for i, ge := range read {
		ev := ge.Event
		out[i] = replay.GlobalEvent[replaytest.Payload]{Position: ge.Position, Event: replay.Event[replaytest.Payload]{Stream: ev.Stream, Seq: ev.Seq, Time: ev.Time, Payload: replaytest.Payload(ev.Payload.Value)}}
	}
	return out, err
}

func TestGlobalReaderConformance(t *testing.T) {
	p := pool(t)
	replaytest.TestGlobalReader(t, func(t *testing.T) replay.Log[replaytest.Payload] {
		events, _ := tables(t, p)
		log, err := NewLog[jsonRaw](p, events)
		if err != nil {
			t.Fatal(err)
		}
		return rawLog{log}
	})
}

// 8 writers x 1,000 appends to one stream with explicit seqs: every seq
// is won exactly once, every loss is ErrSeqMismatch.
func TestStressExplicitSeqsOnOneStream(t *testing.T) {
	p := pool(t)
	events, _ := tables(t, p)
	log, _ := NewLog[int](p, events)
	const writers, seqs = 8, 1000
	var mu sync.Mutex
	won := make(map[replay.Seq]int)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	ctx := context.Background()
	for w := range writers {
		wg.Go(func() {
			for seq := replay.Seq(1); seq <= seqs; seq++ {
				_, err := log.Append(ctx, replay.Event[int]{Stream: "one", Seq: seq, Payload: w})
				switch {
				case err == nil:
					mu.Lock()
					won[seq]++
					mu.Unlock()
				case !errors.Is(err, replay.ErrSeqMismatch):
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all, err := log.Read(ctx, "one", 1, 2*seqs)
	if err != nil || len(all) != seqs {
		t.Fatalf("%d events (%v), want %d", len(all), err, seqs)
	}
	for i, ev := range all {
		if ev.Seq != replay.Seq(i+1) || won[ev.Seq] != 1 {
			t.Fatalf("seq %d at %d won %d times", ev.Seq, i, won[ev.Seq])
		}
	}
}

// 8 writers to 8 streams with assigned seqs: nothing lost, nothing
// duplicated.
func TestStressAssignedSeqsOnEightStreams(t *testing.T) {
	p := pool(t)
	events, _ := tables(t, p)
	log, _ := NewLog[int](p, events)
	const writers, each = 8, 250
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, writers*2)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				// Two writers share each stream, so assigned seqs race.
				stream := replay.StreamKey(fmt.Sprintf("s%d", (w+i)%writers))
				if _, err := log.Append(ctx, replay.Event[int]{Stream: stream, Payload: w*each + i}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	total := 0
	for s := range writers {
		evs, err := log.Read(ctx, replay.StreamKey(fmt.Sprintf("s%d", s)), 1, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		for i, ev := range evs {
			if ev.Seq != replay.Seq(i+1) || seen[ev.Payload] {
				t.Fatalf("stream s%d: seq %d at %d, payload %d seen before: %v", s, ev.Seq, i, ev.Payload, seen[ev.Payload])
			}
			seen[ev.Payload] = true
		}
		total += len(evs)
	}
	if total != writers*each {
		t.Fatalf("%d events, want %d", total, writers*each)
	}
}

func TestJSONPayloadsKeepTheirFields(t *testing.T) {
	p := pool(t)
	events, _ := tables(t, p)
	log, _ := NewLog[jsonv.Payload](p, events)
	ctx := context.Background()
	in := jsonv.Payload{Value: []byte(`{"amount": 50}`), Fields: []jsonv.Field{{Name: "type", Value: []byte(`"deposit"`)}, {Name: "gseq", Value: []byte(`7`)}}}
	if _, err := log.Append(ctx, replay.Event[jsonv.Payload]{Stream: "a", Time: time.Date(2026, 5, 30, 12, 0, 0, 0, time.UTC), Payload: in}); err != nil {
		t.Fatal(err)
	}
	out, err := log.Read(ctx, "a", 1, 1)
	if err != nil || len(out) != 1 || out[0].Payload.Type() != "deposit" || len(out[0].Payload.Fields) != 2 {
		t.Fatalf("read back %+v, %v", out, err)
	}
	infos, err := log.StreamInfos(ctx)
	if err != nil || len(infos) != 1 || infos[0].Events != 1 || infos[0].First.Hour() != 12 {
		t.Fatalf("StreamInfos = %+v, %v", infos, err)
	}
}

func TestAMappedTableReplaysWithGapsInItsIds(t *testing.T) {
	p := pool(t)
	ctx := context.Background()
	var b [6]byte
	rand.Read(b[:])
	name := "test_orders_" + hex.EncodeToString(b[:])
	t.Cleanup(func() { p.Exec(ctx, "DROP TABLE IF EXISTS "+quote(name)) })
	_, err := p.Exec(ctx, `CREATE TABLE `+quote(name)+` (id bigserial PRIMARY KEY, "order" text, at timestamptz, body jsonb)`)
	if err != nil {
		t.Fatal(err)
	}
	// Two orders interleaved: the ids of each have gaps.
	for i, row := range [][2]string{{"o-1", `{"status":"new"}`}, {"o-2", `{"status":"new"}`}, {"o-1", `{"status":"paid"}`}, {"o-1", `{"status":"shipped"}`}, {"o-2", `{"status":"cancelled"}`}} {
		if _, err := p.Exec(ctx, `INSERT INTO `+quote(name)+` ("order", at, body) VALUES ($1, $2, $3)`, row[0], time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC), row[1]); err != nil {
			t.Fatal(err)
		}
	}
	table, err := NewTable[jsonv.Payload](ctx, p, name, Columns{Stream: "order", Seq: "id", Time: "at", Payload: "body"})
	if err != nil {
		t.Fatal(err)
	}
	state, err := replay.Replay(ctx, table, nil, "o-1", 0, reduce.Merge, any(nil), replay.Options{BatchSize: 2})
	if err != nil || string(jsonv.Marshal(state)) != `{"status":"shipped"}` {
		t.Fatalf("replay of o-1 = %s, %v", jsonv.Marshal(state), err)
	}
	if last, _ := table.LastSeq(ctx, "o-2"); last != 2 {
		t.Fatalf("o-2 has %d events", last)
	}
	if _, err := table.Append(ctx, replay.Event[jsonv.Payload]{Stream: "o-1"}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Append to a mapped table: %v", err)
	}
	// A new row shows up without a new Table.
	p.Exec(ctx, `INSERT INTO `+quote(name)+` ("order", at, body) VALUES ('o-1', now(), '{"status":"returned"}')`)
	if last, _ := table.LastSeq(ctx, "o-1"); last != 4 {
		t.Fatalf("after an insert o-1 has %d events", last)
	}
	_, err = NewTable[jsonv.Payload](ctx, p, name, Columns{Stream: "order", Seq: "nope", Payload: "body"})
	if err == nil || !strings.Contains(err.Error(), "the table has: id, order, at, body") {
		t.Fatalf("a missing column: %v", err)
	}
}

func TestConnectionErrorsNameTheHost(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Connect(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "postgres 127.0.0.1:1/none: cannot connect") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Connect(ctx, "postgres://%zz"); err == nil || !strings.Contains(err.Error(), "connection string") {
		t.Fatalf("a bad DSN: %v", err)
	}
}

func TestReadsHonourTheDeadline(t *testing.T) {
	p := pool(t)
	events, _ := tables(t, p)
	log, _ := NewLog[int](p, events)
	ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	if _, err := log.Read(ctx, "a", 1, 10); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

// A server that goes away in the middle of a read is an error that
// names the server, not a hang.
func TestAServerThatGoesAwayMidRead(t *testing.T) {
	p := pool(t)
	events, _ := tables(t, p)
	log, _ := NewLog[int](p, events)
	ctx := context.Background()
	for i := range 200 {
		log.Append(ctx, replay.Event[int]{Stream: "a", Payload: i})
	}
	conn, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid)
	conn.Release()
	// Kill every backend of this pool: the next read finds its connection
	// dead and says so.
	other, err := Connect(ctx, os.Getenv("REPLAY_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := log.Read(ctx, "a", 1, 100)
		done <- err
	}()
	select {
	case err := <-done:
		// pgx may also reconnect; either a good read or a clear error.
		if err != nil && !strings.Contains(err.Error(), "postgres 127.0.0.1") {
			t.Fatalf("err = %v; want one naming the server", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("a read on a dead connection hangs")
	}
}

func TestAMissingTableIsErrNoTable(t *testing.T) {
	p := pool(t)
	ctx := context.Background()
	log, _ := NewLog[jsonRaw](p, "test_events_not_there")
	if err := log.Check(ctx); !errors.Is(err, ErrNoTable) || !strings.Contains(err.Error(), "table test_events_not_there: no such table") {
		t.Fatalf("Check on a missing table: %v", err)
	}
	events, _ := tables(t, p)
	there, _ := NewLog[jsonRaw](p, events)
	if err := there.Check(ctx); err != nil {
		t.Fatalf("Check on %s: %v", events, err)
	}
	_, err := NewTable[jsonRaw](ctx, p, "test_events_not_there", Columns{Stream: "stream", Seq: "seq", Payload: "payload"})
	if !errors.Is(err, ErrNoTable) {
		t.Fatalf("NewTable on a missing table: %v", err)
	}
}

func TestAMappedTableReadsPayloadsThatAreNotJSON(t *testing.T) {
	p := pool(t)
	ctx := context.Background()
	var b [6]byte
	rand.Read(b[:])
	table := "test_plain_" + hex.EncodeToString(b[:])
	_, err := p.Exec(ctx, `CREATE TABLE `+table+` (id bigint, s text, t text, v varchar(20), n int, x numeric, f boolean, b bytea, at timestamptz, j json);
		INSERT INTO `+table+` VALUES
			(1, 'a', 'hello "you"', 'plain', 5, 2.50, true, '\x00ff10', '2026-01-02T03:04:05Z', '{"x": 1}'),
			(2, 'a', '{"ok": true}', '12', -6, 1e3, false, '', NULL, '[1]')`)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Exec(ctx, `DROP TABLE `+table) })
	for col, want := range map[string]string{
		"t":  `"hello \"you\"" {"ok": true}`, // text holding JSON is JSON; other text a string
		"v":  `"plain" 12`,
		"n":  `5 -6`,
		"x":  `2.50 1000`,
		"f":  `true false`,
		"b":  `"AP8Q" ""`, // base64
		"at": `"2026-01-02T03:04:05+00:00" null`,
		"j":  `{"x": 1} [1]`,
	} {
		tab, err := NewTable[jsonRaw](ctx, p, table, Columns{Stream: "s", Seq: "id", Payload: col})
		if err != nil {
			t.Fatal(err)
		}
		events, err := tab.Read(ctx, "a", 1, 10)
		if err != nil {
			t.Fatalf("payload column %s: %v", col, err)
		}
		var got []string
		for _, ev := range events {
			got = append(got, string(ev.Payload.Value))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("payload column %s reads as %q, want %q", col, strings.Join(got, " "), want)
		}
	}
}

func TestAMappedTableRefusesASeqColumnThatIsNotAnInteger(t *testing.T) {
	p := pool(t)
	ctx := context.Background()
	var b [6]byte
	rand.Read(b[:])
	table := "test_textseq_" + hex.EncodeToString(b[:])
	_, err := p.Exec(ctx, `CREATE TABLE `+table+` (s text, code text, small smallint, at timestamptz, j jsonb);
		INSERT INTO `+table+` VALUES ('a', '9', 1, now(), '{}'), ('a', '10', 2, now(), '{}')`)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Exec(ctx, `DROP TABLE `+table) })
	for col, kind := range map[string]string{"code": "text", "at": "timestamptz"} {
		_, err := NewTable[jsonRaw](ctx, p, table, Columns{Stream: "s", Seq: col, Payload: "j"})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("the seq column %s is %s, not an integer", col, kind)) ||
			!strings.Contains(err.Error(), "CREATE VIEW") {
			t.Errorf("seq column %s: %v", col, err)
		}
	}
	tab, err := NewTable[jsonRaw](ctx, p, table, Columns{Stream: "s", Seq: "small", Payload: "j"})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := tab.LastSeq(ctx, "a"); n != 2 || err != nil {
		t.Fatalf("a smallint seq column: LastSeq = %d, %v", n, err)
	}
}

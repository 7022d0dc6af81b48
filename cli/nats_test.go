package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jetstream"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// natsBank loads testdata/bank.jsonl into a fresh JetStream stream and
// returns the URL and the stream, or skips without a server.
func natsBank(t *testing.T) (url, stream string) {
	url = os.Getenv("REPLAY_TEST_NATS")
	if url == "" {
		t.Skip("REPLAY_TEST_NATS is not set; .ci/run sets it")
	}
	ctx := context.Background()
	nc, js, err := jetstream.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	var b [6]byte
	rand.Read(b[:])
	stream = "cli_events_" + hex.EncodeToString(b[:])
	if _, err := jetstream.CreateStream(ctx, js, stream, stream); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { js.DeleteStream(context.Background(), stream) })
	log, err := jetstream.NewLog[jsonv.Payload](ctx, js, stream, stream)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	src, err := jsonl.Open([]string{bank}, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	keys, _ := src.Streams(ctx)
	for _, k := range keys {
		for ev, err := range replay.All(ctx, src, k) {
			if err != nil {
				t.Fatal(err)
			}
			if _, err := log.Append(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	return url, stream
}

func TestCommandsOnNATS(t *testing.T) {
	url, stream := natsBank(t)
	out, errOut, code := run(t, "--nats", url, "--nats-stream", stream, "streams")
	if code != 0 || !strings.Contains(out, "acct-bob    9") {
		t.Fatalf("streams --nats: %q %q (exit %d)", out, errOut, code)
	}
	fromFile, _, _ := run(t, "-r", "jq:@../testdata/bank.jq", "state", bank, "-s", "acct-bob", "--json")
	fromNATS, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "--nats", url, "--nats-stream", stream, "state", "-s", "acct-bob", "--json")
	if code != 0 || fromNATS != fromFile {
		t.Fatalf("state --nats = %q (%q, exit %d); from the file %q", fromNATS, errOut, code, fromFile)
	}
	out, _, code = run(t, "--nats", url, "--nats-stream", stream, "find", "-s", "acct-bob", "--where", "event.retry == true")
	if code != 0 || !strings.HasPrefix(out, "seq 7\t") {
		t.Fatalf("find --nats: %q (exit %d)", out, code)
	}
	dst := filepath.Join(t.TempDir(), "bob.jsonl")
	if _, errOut, code := run(t, "--nats", url, "--nats-stream", stream, "export", "-s", "acct-bob", "-o", dst); code != 0 {
		t.Fatalf("export --nats: %q", errOut)
	}
	exported, _, _ := run(t, "-r", "jq:@../testdata/bank.jq", "state", dst, "--json")
	if exported != fromFile {
		t.Fatalf("the export from JetStream folds to %q, the file to %q", exported, fromFile)
	}
}

func TestNATSFlagsSayWhatIsMissing(t *testing.T) {
	url := os.Getenv("REPLAY_TEST_NATS")
	if url == "" {
		t.Skip("REPLAY_TEST_NATS is not set; .ci/run sets it")
	}
	if _, errOut, code := run(t, "--nats", url, "streams"); code != 2 || !strings.Contains(errOut, "--nats-stream") {
		t.Fatalf("no --nats-stream: %q (exit %d)", errOut, code)
	}
	if _, errOut, code := run(t, "--nats", url, "--nats-stream", "no_such_stream_here", "streams"); code == 0 || !strings.Contains(errOut, "--nats-create") {
		t.Fatalf("a missing stream: %q (exit %d)", errOut, code)
	}
	if _, errOut, code := run(t, "--nats", url, "--nats-stream", "x", "streams", bank); code != 2 || !strings.Contains(errOut, "give one log") {
		t.Fatalf("--nats and a file: %q (exit %d)", errOut, code)
	}
}

func TestSubjectPrefixOfAStream(t *testing.T) {
	for subjects, want := range map[string]string{"orders.*": "orders", "app.events.>": "app.events", "a.*,b.*": "", ">": "", "orders.*.x": ""} {
		got, _ := subjectPrefix(strings.Split(subjects, ","))
		if got != want {
			t.Errorf("subjectPrefix(%s) = %q, want %q", subjects, got, want)
		}
	}
}

// export FILES --nats loads them into a new JetStream stream; loading
// them again is refused, not doubled.
func TestExportIntoNATS(t *testing.T) {
	url := os.Getenv("REPLAY_TEST_NATS")
	if url == "" {
		t.Skip("REPLAY_TEST_NATS is not set; .ci/run sets it")
	}
	ctx := context.Background()
	nc, js, err := jetstream.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close) // after the stream is deleted
	var b [6]byte
	rand.Read(b[:])
	stream := "cli_export_" + hex.EncodeToString(b[:])
	t.Cleanup(func() { js.DeleteStream(context.Background(), stream) })
	_, errOut, code := run(t, "export", bank, "--nats", url, "--nats-stream", stream)
	if code != 0 || !strings.Contains(errOut, "loaded 22 events of 3 streams") {
		t.Fatalf("export into --nats: %q (exit %d)", errOut, code)
	}
	fromFile, _, _ := run(t, "-r", "jq:@../testdata/bank.jq", "state", bank, "-s", "acct-bob", "--json")
	fromNATS, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "--nats", url, "--nats-stream", stream, "state", "-s", "acct-bob", "--json")
	if code != 0 || fromNATS != fromFile {
		t.Fatalf("state --nats = %q (%q, exit %d); from the file %q", fromNATS, errOut, code, fromFile)
	}
	before, _, _ := run(t, "--nats", url, "--nats-stream", stream, "streams")
	if _, errOut, code := run(t, "export", bank, "--nats", url, "--nats-stream", stream); code == 0 || !strings.Contains(errOut, "seq does not match") {
		t.Fatalf("a second load: %q (exit %d)", errOut, code)
	}
	if after, _, _ := run(t, "--nats", url, "--nats-stream", stream, "streams"); after != before {
		t.Fatalf("a refused load changed the streams:\n%s\nto\n%s", before, after)
	}
}

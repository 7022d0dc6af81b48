package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/tui"
)

// The bank's balance over every account: deposits and transfers in less
// withdrawals and transfers out, summed by hand from testdata/bank.jsonl:
// alice 500-120-100+75+300-60 = 595, bob 200-50+100+30-200-200+25-10 =
// -105, carol 1000-250-300+40 = 490.
func TestStateGlobalIsTheSumOfEveryStream(t *testing.T) {
	const total = `.balance = (.balance // 0) + (if $event.type == "deposit" or $event.type == "transfer_in" then $event.payload.amount elif $event.type == "withdrawal" or $event.type == "transfer_out" then -$event.payload.amount else 0 end) | .events = (.events // 0) + 1 | .last = $event.stream`
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--global"}, `{"balance":980,"events":22,"last":"acct-alice"}`},
		{[]string{"-g", "--order", "seq"}, ``}, // seqs repeat across streams
		{[]string{"--streams", "acct-alice,acct-c*"}, `{"balance":1085,"events":13,"last":"acct-alice"}`},
		{[]string{"--streams", "acct-bob", "--at", "4"}, `{"balance":250,"events":4,"last":"acct-bob"}`},
		{[]string{"-g", "--at", "5"}, `{"balance":700,"events":5,"last":"acct-carol"}`},
	} {
		args := append([]string{"-r", "jq:" + total, "state", bank, "--json"}, tc.args...)
		out, errOut, code := run(t, args...)
		if tc.want == "" {
			if code != 3 || !strings.Contains(errOut, `"seq" 1 again`) {
				t.Errorf("%v: exit %d, %s; want the repeated seq named", tc.args, code, errOut)
			}
			continue
		}
		wantCode(t, code, 0, out, errOut)
		if strings.TrimSpace(out) != tc.want {
			t.Errorf("%v: state = %s, want %s", tc.args, out, tc.want)
		}
	}
}

func TestGlobalFlagsRefuseWhatTheyCannotDo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"state", bank, "-g", "-s", "acct-bob"}, 2, "give one or the other"},
		{[]string{"state", bank, "--streams", "acct-z*"}, 1, `--streams "acct-z*" names no stream`},
		{[]string{"find", bank, "-g", "--all-streams", "--where", "true"}, 2, "--all-streams"},
	} {
		out, errOut, code := run(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.says) {
			t.Errorf("%v: exit %d, %s%s; want %d saying %s", tc.args, code, out, errOut, tc.code, tc.says)
		}
	}
}

func TestFindGlobalNamesEachEventsStream(t *testing.T) {
	out, errOut, code := run(t, "-r", "jq:@../testdata/bank.jq", "find", bank, "--global", "--where", `event.type == "transfer_in"`, "--all")
	wantCode(t, code, 0, out, errOut)
	want := "seq 10\t2026-05-30T09:55:00Z\tacct-bob  transfer_in\nseq 17\t2026-05-31T09:40:00Z\tacct-alice  transfer_in\n"
	if out != want {
		t.Errorf("find --global =\n%s\nwant\n%s", out, want)
	}
}

func TestTheDebuggerOffersTheGlobalOrder(t *testing.T) {
	var opened replay.StreamKey
	var infos []tui.StreamInfo
	var streams []string
	var last replay.Seq
	var done bool
	session := func(ctx context.Context, cfg tui.Config[any, jsonv.Payload]) {
		opened = cfg.Stream
		infos, _ = cfg.Streams(ctx)
		for ev, err := range replay.All(ctx, cfg.Log, cfg.Stream) {
			if err != nil {
				t.Error(err)
				return
			}
			streams = append(streams, string(ev.Stream))
		}
		last, done = cfg.Indexed(cfg.Stream)
	}
	out, errOut, code, _ := runSession(t, "", session, bank, "--streams", "acct-carol,acct-bob")
	wantCode(t, code, 0, out, errOut)
	if opened != replay.GlobalKey("acct-carol", "acct-bob") || len(streams) != 14 || streams[0] != "acct-bob" || streams[2] != "acct-carol" {
		t.Errorf("opened %q and read %v; want bob's and carol's 14 events in file order", opened, streams)
	}
	if last != 14 || !done {
		t.Errorf("Indexed = %d, %v; want 14, true", last, done)
	}
	if len(infos) != 4 || infos[0].Key != opened || infos[0].Events != 14 || infos[1].Key != "acct-alice" {
		t.Errorf("the stream switcher lists %+v; want the global order first", infos)
	}
	// Without the flag, the switcher offers every stream's global order,
	// and the debugger opens the first stream.
	out, errOut, code, _ = runSession(t, "", session, bank)
	wantCode(t, code, 0, out, errOut)
	if opened != "" || len(infos) != 4 || infos[0].Key != replay.GlobalKey() || infos[0].Events != 22 {
		t.Errorf("opened %q; the stream switcher lists %+v", opened, infos)
	}
}

func TestAFailingReducerInTheGlobalOrderNamesBothSeqs(t *testing.T) {
	_, errOut, code := run(t, "-r", `jq:if $event.type == "transfer_in" then error("no transfers") else . end`, "state", bank, "--global")
	// The event is bob's fourth and the global order's tenth: its line
	// shows the seq it has in its stream, as the file does.
	if code != 3 || !strings.Contains(errOut, `seq 10: jq: error: no transfers`) ||
		!strings.Contains(errOut, `the event (seq 10 of (all streams, global order), seq 4 of stream "acct-bob"): {"stream":"acct-bob","seq":4,`) {
		t.Errorf("exit %d, %s", code, errOut)
	}
}

// The key under which the global order is read is no name for people:
// no message or JSON output quotes it (it holds a NUL byte).
func TestGlobalOrderMessagesNameTheStreamsNotTheKey(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.jsonl")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	failing := `jq:if $event.type == "closed" then error("cannot close") else . end`
	for _, tc := range []struct {
		args []string
		want string // in standard output or error
	}{
		{[]string{"state", empty, "-g"}, "stream (all streams, global order): replay: stream has no events"},
		{[]string{"state", bank, "-g", "--at", "100"}, "stream (all streams, global order) to seq 100: the stream ends at seq 22"},
		{[]string{"state", bank, "--streams", "acct-bob,acct-carol", "--at-time", "2020-01-01T00:00:00Z"}, "no event of stream (global order of acct-bob, acct-carol) is at or before"},
		{[]string{"-r", failing, "state", bank, "-g"}, "apply failed at stream (all streams, global order) seq 22"},
		{[]string{"-r", failing, "state", bank, "-g", "--json"}, "apply failed at stream (all streams, global order) seq 22"},
		{[]string{"diff", bank, "-g", "--from", "2", "--to", "5", "--json"}, `"stream":"(all streams, global order)"`},
		{[]string{"blame", bank, "-g", "--path", ".balance", "--json"}, `"stream":"(all streams, global order)"`},
		{[]string{"find", bank, "-g", "--where", "false", "--json"}, `"stream":"(all streams, global order)"`},
		{[]string{"find", bank, "-g", "--where", "false", "--bisect"}, "of stream (all streams, global order): nothing to bisect"},
		{[]string{"-r", failing, "find", bank, "-g", "--where", "false", "--bisect"}, "apply failed at stream (all streams, global order) seq 22"},
		{[]string{"diverge", bank, "-g", "--against", "jq:@../testdata/bank-dedupe.jq"}, "(all streams, global order)  10 "},
		{[]string{"diverge", bank, "-g", "--against", "jq:@../testdata/bank-dedupe.jq", "--json"}, `"stream":"(all streams, global order)","seq":10`},
		{[]string{"-r", failing, "diverge", bank, "-g", "--against", failing + " ", "--json"}, `"errors":[{"stream":"(all streams, global order)"`},
		{[]string{"-r", failing, "diverge", bank, "--streams", "acct-bob,acct-alice", "--against", failing + " "}, "stream (global order of acct-bob, acct-alice): --reduce"},
		{[]string{"series", bank, "-g", ".owner"}, "at any seq of stream (all streams, global order) (1–22)"},
	} {
		args := tc.args
		if args[0] != "-r" {
			args = append([]string{"-r", "jq:@../testdata/bank.jq"}, args...)
		}
		out, errOut, _ := run(t, args...)
		both := out + errOut
		if !strings.Contains(both, tc.want) {
			t.Errorf("%q: want %q in %q", tc.args, tc.want, both)
		}
		if strings.Contains(both, `\x00`) || strings.Contains(both, `\u0000`) || strings.ContainsRune(both, 0) {
			t.Errorf("%q names the global order by its key: %q", tc.args, both)
		}
	}
}

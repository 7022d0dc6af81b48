package jsonl_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/sources/jsonl"
)

// realdata is where the project's real captured logs live, beside the
// repository (see ../shared/realdata/README.md).
const realdata = "../../../shared/realdata"

func realFile(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(realdata, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("real data %s is absent (%v): it lives beside the repository, in ../shared/realdata", name, err)
	}
	return path
}

func TestRealDataOpensAsItIs(t *testing.T) {
	for _, tc := range []struct {
		file            string
		events, streams int
	}{
		{"roadtraffic100.jsonl", 390, 100},
		{"receipt.jsonl.gz", 8_577, 1_434},
		{"helpdesk.jsonl.gz", 21_348, 4_580},
		{"berka-bank.jsonl.gz", 49_102, 1_229},
		{"chess-twic0920.jsonl.gz", 186_338, 2_235},
	} {
		t.Run(tc.file, func(t *testing.T) {
			l, err := jsonl.Open([]string{realFile(t, tc.file)}, jsonl.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			ctx := context.Background()
			infos, err := l.StreamInfos(ctx)
			if err != nil {
				t.Fatal(err)
			}
			st := l.Stats()
			if st.Events != tc.events || len(infos) != tc.streams || st.Skipped != 0 || st.Truncated != nil {
				t.Fatalf("%d events in %d streams (stats %+v); want %d in %d", st.Events, len(infos), st, tc.events, tc.streams)
			}
			// Every stream replays with the merge reducer.
			for _, info := range infos {
				if _, err := replay.Replay(ctx, l, nil, info.Key, 0, reduce.Merge, any((*jsonv.Object)(nil)), replay.Options{}); err != nil {
					t.Fatalf("replay %q: %v", info.Key, err)
				}
			}
		})
	}
}

// The bank file records, in "expect", the balance its source gave after
// each transaction; the source is not consistent with its own
// transactions, which is what a debugger is for. Folding through jsonl,
// replay and the jq reducer must find, for every account, the same first
// event where the fold and the source disagree as a plain reading of the
// file with encoding/json does.
func TestRealDataBankDivergencesMatchAPlainReading(t *testing.T) {
	path := realFile(t, "berka-bank.jsonl.gz")
	want := plainFirstDivergence(t, path)

	l, err := jsonl.Open([]string{path}, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	apply, err := reduce.JQ(`.balance = (.balance // 0) + (if $event.type == "credit" then 1 else -1 end) * $event.payload.amount`)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := l.Streams(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[replay.StreamKey]replay.Seq{}
	for _, key := range keys {
		var state any = (*jsonv.Object)(nil)
		for ev, err := range replay.All(ctx, l, key) {
			if err != nil {
				t.Fatal(err)
			}
			state = apply(state, ev)
			event, err := reduce.EventValue(ev)
			if err != nil {
				t.Fatal(err)
			}
			expect := event["expect"].(map[string]any)["balance"].(float64)
			balance, _ := jsonv.At(state, jsonv.Path{"balance"})
			if math.Abs(balance.(float64)-expect) > 0.005 {
				got[key] = ev.Seq
				break
			}
		}
	}
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("%d accounts diverge, a plain reading finds %d", len(got), len(want))
	}
	for key, seq := range want {
		if got[key] != seq {
			t.Fatalf("%s first diverges at seq %d, a plain reading says seq %d", key, got[key], seq)
		}
	}
	if got["acct-100"] != 7 {
		t.Fatalf("acct-100 diverges at seq %d; its source balance 29575.1 at seq 7 is 0.1 off", got["acct-100"])
	}
}

// plainFirstDivergence reads the file with gzip and encoding/json alone.
func plainFirstDivergence(t *testing.T, path string) map[replay.StreamKey]replay.Seq {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(zr)
	balance := map[replay.StreamKey]float64{}
	count := map[replay.StreamKey]replay.Seq{}
	first := map[replay.StreamKey]replay.Seq{}
	for {
		var line struct {
			Stream  replay.StreamKey
			Type    string
			Payload struct{ Amount float64 }
			Expect  struct{ Balance float64 }
		}
		if err := dec.Decode(&line); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		count[line.Stream]++
		if line.Type == "credit" {
			balance[line.Stream] += line.Payload.Amount
		} else {
			balance[line.Stream] -= line.Payload.Amount
		}
		if _, seen := first[line.Stream]; !seen && math.Abs(balance[line.Stream]-line.Expect.Balance) > 0.005 {
			first[line.Stream] = count[line.Stream]
		}
	}
	return first
}

func TestRealDataWithSkipBadSkipsNothing(t *testing.T) {
	l, err := jsonl.Open([]string{realFile(t, "helpdesk.jsonl.gz")}, jsonl.Options{SkipBad: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := l.Stats(); st.Skipped != 0 || st.Renumbered != 0 || len(st.Problems) != 0 {
		t.Fatalf("problems in a clean file: %+v", st.Problems)
	}
}

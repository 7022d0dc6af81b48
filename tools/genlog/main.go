// Command genlog writes large synthetic JSON Lines logs for benchmarks,
// in shapes a real log may have (bench/matrix.sh runs each against jq):
//
//	go run ./tools/genlog -events 1000000 -o /tmp/1m.jsonl
//	go run ./tools/genlog -events 10000000 -streams 1000 -o /tmp/1g.jsonl
//	go run ./tools/genlog -payload wide -times none -o /tmp/wide.jsonl
//
// Payloads (-payload):
//
//	nested  merge patches of a ledger: {"acct-7":{"balance":…,"tx":…},"n":…}
//	flat    two fields: {"k":"key-37","v":12345}
//	wide    a 400-key object, written whole by the first event and 12
//	        of its keys by each event after it
//	long    a note of a few hundred characters, with escapes and
//	        non-ASCII letters, under one of -keys keys
//	patch   RFC 6902 JSON Patches (add, replace, remove) of a ledger,
//	        for the patch reducer
//
// Times (-times): seconds, ms, us, frac (RFC 3339 with 0 to 9 fractional
// digits, varying) or none (no time field).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

func main() {
	events := flag.Int("events", 1_000_000, "how many events")
	streams := flag.Int("streams", 1, "how many streams, interleaved")
	keys := flag.Int("keys", 50, "distinct accounts a payload patches")
	payload := flag.String("payload", "nested", "payload shape: nested, flat, wide, long or patch")
	times := flag.String("times", "seconds", "time field: seconds, ms, us, frac or none")
	out := flag.String("o", "-", "output file (- for standard output)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()

	appendPayload, ok := payloads[*payload]
	if !ok {
		fail(fmt.Errorf("-payload %q: want nested, flat, wide, long or patch", *payload))
	}
	appendTime, ok := timeFormats[*times]
	if !ok {
		fail(fmt.Errorf("-times %q: want seconds, ms, us, frac or none", *times))
	}
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fail(err)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	g := &gen{rng: rand.New(rand.NewPCG(*seed, 2)), keys: *keys, seqs: make([]int, *streams)}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var line []byte
	for i := range *events {
		s := g.rng.IntN(*streams)
		g.seqs[s]++
		g.i, g.seq = i, g.seqs[s]
		line = append(line[:0], `{"stream":"s`...)
		line = strconv.AppendInt(line, int64(s), 10)
		line = append(line, `","seq":`...)
		line = strconv.AppendInt(line, int64(g.seq), 10)
		line = appendTime(line, g, t0)
		line = append(line, `,"payload":`...)
		line = appendPayload(line, g)
		line = append(line, "}\n"...)
		bw.Write(line)
	}
	if err := bw.Flush(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "genlog:", err)
	os.Exit(1)
}

// gen is the generator's state: the event being written and what the
// shapes that remember (wide, patch) wrote before.
type gen struct {
	rng      *rand.Rand
	keys     int
	seqs     []int
	i, seq   int          // the event's index in the file, its seq in its stream
	accounts map[int]bool // patch: accounts the stream's state has
}

var timeFormats = map[string]func([]byte, *gen, time.Time) []byte{
	"seconds": func(b []byte, g *gen, t0 time.Time) []byte {
		return quotedTime(b, t0.Add(time.Duration(g.i)*time.Second), time.RFC3339)
	},
	"ms": func(b []byte, g *gen, t0 time.Time) []byte {
		return quotedTime(b, t0.Add(time.Duration(g.i)*7*time.Millisecond), "2006-01-02T15:04:05.000Z07:00")
	},
	"us": func(b []byte, g *gen, t0 time.Time) []byte {
		return quotedTime(b, t0.Add(time.Duration(g.i)*333*time.Microsecond), "2006-01-02T15:04:05.000000Z07:00")
	},
	"frac": func(b []byte, g *gen, t0 time.Time) []byte {
		// RFC3339Nano drops trailing zeros: 0 to 9 digits, as loggers write.
		frac := time.Duration(g.rng.IntN(1e9)).Truncate(time.Duration(pow10[g.rng.IntN(10)]))
		t := t0.Add(time.Duration(g.i)*time.Second + frac)
		return quotedTime(b, t, time.RFC3339Nano)
	},
	"none": func(b []byte, _ *gen, _ time.Time) []byte { return b },
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

func quotedTime(b []byte, t time.Time, layout string) []byte {
	b = append(b, `,"time":"`...)
	b = t.AppendFormat(b, layout)
	return append(b, '"')
}

var payloads = map[string]func([]byte, *gen) []byte{
	"nested": func(b []byte, g *gen) []byte {
		b = append(b, `{"acct-`...)
		b = strconv.AppendInt(b, int64(g.rng.IntN(g.keys)), 10)
		b = append(b, `":{"balance":`...)
		b = strconv.AppendInt(b, int64(g.rng.IntN(100_000)), 10)
		b = append(b, `,"tx":`...)
		b = strconv.AppendInt(b, int64(g.i), 10)
		b = append(b, `},"n":`...)
		b = strconv.AppendInt(b, int64(g.i+1), 10)
		return append(b, '}')
	},
	"flat": func(b []byte, g *gen) []byte {
		b = append(b, `{"k":"key-`...)
		b = strconv.AppendInt(b, int64(g.rng.IntN(g.keys)), 10)
		b = append(b, `","v":`...)
		b = strconv.AppendInt(b, int64(g.rng.IntN(100_000)), 10)
		return append(b, '}')
	},
	"wide": func(b []byte, g *gen) []byte {
		const width, changed = 400, 12
		b = append(b, '{')
		n := changed
		if g.seq == 1 {
			n = width
		}
		start := g.rng.IntN(width)
		for j := range n {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `"field-`...)
			b = strconv.AppendInt(b, int64((start+j*31)%width), 10)
			b = append(b, `":`...)
			b = strconv.AppendInt(b, int64(g.rng.IntN(1_000_000)), 10)
		}
		return append(b, '}')
	},
	"long": func(b []byte, g *gen) []byte {
		b = append(b, `{"acct-`...)
		b = strconv.AppendInt(b, int64(g.rng.IntN(g.keys)), 10)
		b = append(b, `":{"note":"`...)
		for range 6 + g.rng.IntN(6) {
			b = append(b, words[g.rng.IntN(len(words))]...)
		}
		b = append(b, `","tx":`...)
		b = strconv.AppendInt(b, int64(g.i), 10)
		return append(b, `}}`...)
	},
	"patch": func(b []byte, g *gen) []byte {
		if g.accounts == nil || g.seq == 1 {
			g.accounts = map[int]bool{} // one stream's state (use one stream)
		}
		a := g.rng.IntN(g.keys)
		op := "replace"
		if g.seq == 1 {
			op = "add" // /n is not there yet
		}
		b = append(b, `[{"op":"`...)
		b = append(b, op...)
		b = append(b, `","path":"/n","value":`...)
		b = strconv.AppendInt(b, int64(g.i+1), 10)
		b = append(b, '}')
		switch {
		case !g.accounts[a]:
			g.accounts[a] = true
			b = append(b, `,{"op":"add","path":"/acct-`...)
			b = strconv.AppendInt(b, int64(a), 10)
			b = append(b, `","value":{"balance":`...)
			b = strconv.AppendInt(b, int64(g.rng.IntN(100_000)), 10)
			b = append(b, `,"tx":`...)
			b = strconv.AppendInt(b, int64(g.i), 10)
			b = append(b, `}}`...)
		case g.rng.IntN(20) == 0:
			delete(g.accounts, a)
			b = append(b, `,{"op":"remove","path":"/acct-`...)
			b = strconv.AppendInt(b, int64(a), 10)
			b = append(b, `"}`...)
		default:
			b = append(b, `,{"op":"replace","path":"/acct-`...)
			b = strconv.AppendInt(b, int64(a), 10)
			b = append(b, `/balance","value":`...)
			b = strconv.AppendInt(b, int64(g.rng.IntN(100_000)), 10)
			b = append(b, `},{"op":"add","path":"/acct-`...)
			b = strconv.AppendInt(b, int64(a), 10)
			b = append(b, `/tx","value":`...)
			b = strconv.AppendInt(b, int64(g.i), 10)
			b = append(b, '}')
		}
		return append(b, ']')
	},
}

// words make up long notes: plain text, escapes and non-ASCII letters.
var words = []string{
	"the transfer was approved by the branch manager after review; ",
	`customer said \"please hurry\" on the phone, twice. `,
	"Zahlung für Müller über Überweisung erhalten — danke. ",
	`path C:\\ledger\\2026\\q1 archived\n`,
	"réconciliation terminée à l'agence de Nîmes. ",
	"\\u00e9t\\u00e9 \\t tabulated columns follow ",
	"nothing unusual to report for this account this month. ",
}

package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
)

var line = []byte(`{"stream":"acct-42","seq":7,"time":"2026-05-30T12:00:00Z","type":"deposit","payload":{"acct-9":{"balance":3093,"last":"tx-999892"},"count":1000000,"note":"a bit of text, ünïcode"}}`)

func BenchmarkSkip(b *testing.B) {
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := Skip(line, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMembersRaw(b *testing.B) {
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if _, err := MembersRaw(line, 0, func(k, v []byte) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	b.SetBytes(int64(len(line)))
	var d Decoder
	for b.Loop() {
		if _, err := d.Decode(line); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodingJSONValid(b *testing.B) {
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if !json.Valid(line) {
			b.Fatal()
		}
	}
}

func BenchmarkEncodingJSONUnmarshal(b *testing.B) {
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		var v any
		if err := json.Unmarshal(line, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// longLine is an event whose payload is mostly long text, some of it
// escaped: where a log's bytes are, scanning strings is the whole cost.
var longLine = []byte(`{"stream":"s","seq":1,"payload":{"note":"` +
	strings.Repeat(`the transfer was approved by the branch manager after review; `, 6) +
	`customer said \"please hurry\" \u00e9t\u00e9\tpath C:\\ledger\\2026\nok","memo":"` +
	strings.Repeat("plain ascii text without any escapes at all, ", 8) + `"}}`)

func BenchmarkSkipLong(b *testing.B) {
	b.SetBytes(int64(len(longLine)))
	for b.Loop() {
		if _, err := Skip(longLine, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeLong(b *testing.B) {
	b.SetBytes(int64(len(longLine)))
	var d Decoder
	for b.Loop() {
		if _, err := d.Decode(longLine); err != nil {
			b.Fatal(err)
		}
	}
}

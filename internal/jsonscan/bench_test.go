package jsonscan

import (
	"encoding/json"
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

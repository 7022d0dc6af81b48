package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSeriesOfABalance(t *testing.T) {
	jq := "jq:@../testdata/bank.jq"
	out, errOut, code := run(t, "-r", jq, "series", bank, "-s", "acct-bob", ".balance", "--csv")
	wantCode(t, code, 0, out, errOut)
	if want := "seq,value\n1,0\n2,200\n3,150\n4,250\n5,280\n6,80\n7,-120\n8,-95\n9,-105\n"; out != want {
		t.Fatalf("series --csv =\n%s\nwant\n%s", out, want)
	}
	// The value may come before the flags too, and be an expression.
	out, errOut, code = run(t, "-r", jq, "series", bank, "state.balance / 10", "-s", "acct-bob", "--json")
	wantCode(t, code, 0, out, errOut)
	var rows []struct {
		Seq   int      `json:"seq"`
		Value *float64 `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 9 || rows[6].Seq != 7 || rows[6].Value == nil || *rows[6].Value != -12 {
		t.Fatalf("series --json = %s (%v)", out, err)
	}
	out, errOut, code = run(t, "-r", jq, "series", bank, "-s", "acct-bob", ".balance", "--width", "40", "--height", "8", "--where", "state.balance < 0")
	wantCode(t, code, 0, out, errOut)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 9 || lines[0] != ".balance · stream acct-bob · seqs 1–9 · min -120 (seq 7) · max 280 (seq 5) · • state.balance < 0" {
		t.Fatalf("series (a text chart) =\n%s", out)
	}
	// The y axis from 280 to -120, seqs 1 to 9 under it, and the seqs
	// where the balance is negative (7, 8, 9) marked at the right.
	if !strings.HasPrefix(lines[1], " 280 ┤") || !strings.HasPrefix(lines[5], "-120 ┤") || !strings.HasSuffix(lines[7], "•  •   •") || strings.Fields(lines[8])[1] != "9" {
		t.Fatalf("the chart:\n%s", out)
	}
	for _, l := range lines[1:] {
		if n := len([]rune(l)); n > 40 {
			t.Errorf("a line of %d columns: %q", n, l)
		}
	}
}

// A value that is missing, or not a number, is a gap: where it is one
// at every seq, there is nothing to plot, and the exit status says so.
func TestSeriesOfNoNumber(t *testing.T) {
	jq := "jq:@../testdata/bank.jq"
	for _, path := range []string{".owner", ".nothing"} {
		out, errOut, code := run(t, "-r", jq, "series", bank, "-s", "acct-bob", path)
		if code != 1 || out != "" || !strings.Contains(errOut, path+` is not a number at any seq of stream "acct-bob" (1–9)`) {
			t.Fatalf("series %s: exit %d, %q %q", path, code, out, errOut)
		}
	}
	out, _, code := run(t, "-r", jq, "series", bank, "-s", "acct-bob", ".owner", "--csv")
	if code != 1 || !strings.HasPrefix(out, "seq,value\n1,\n2,\n") {
		t.Fatalf("series --csv of a string: exit %d %q", code, out)
	}
	// Some seqs without a number (the events that do not change ana's
	// hp): gaps, the others plotted.
	out, errOut, code := run(t, "series", match, "-s", "match-17", "event.payload.players.ana.hp", "--csv")
	wantCode(t, code, 0, out, errOut)
	if !strings.HasPrefix(out, "seq,value\n1,100\n2,\n") {
		t.Fatalf("series of a value that comes later: %q", out)
	}
	_, errOut, code = run(t, "series", bank, "-s", "acct-bob", "state.balance +")
	if code != 2 || !strings.Contains(errOut, "state.balance +") {
		t.Fatalf("a bad expression: exit %d %q", code, errOut)
	}
}

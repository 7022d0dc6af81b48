package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/cli"
)

func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, &out, &errOut, Apply, State{})
	return out.String(), errOut.String(), code
}

func TestTheTypedLedgerFindsTheOverdraft(t *testing.T) {
	out, errOut, code := run(t, "find", "../../testdata/bank.jsonl", "-s", "acct-bob", "--where", "state.Balance < 0")
	if code != 0 || !strings.HasPrefix(out, "seq 7\t") {
		t.Fatalf("find = %q, %q, exit %d; want seq 7, the retried withdrawal", out, errOut, code)
	}
	out, _, code = run(t, "state", "../../testdata/bank.jsonl", "-s", "acct-bob", "--at", "6")
	if code != 0 || !strings.Contains(out, "Balance:80") || !strings.Contains(out, `Owner:"Bob"`) {
		t.Fatalf("state at 6 = %q (exit %d)", out, code)
	}
	out, _, code = run(t, "diff", "../../testdata/bank.jsonl", "-s", "acct-bob", "--to", "7")
	if code != 0 || !strings.Contains(out, "state.Balance") || !strings.Contains(out, "80 → -120") {
		t.Fatalf("diff of seq 7 = %q (exit %d)", out, code)
	}
	out, _, code = run(t, "verify", "../../testdata/bank.jsonl")
	if code != 0 || !strings.HasPrefix(out, "ok:") {
		t.Fatalf("verify = %q (exit %d)", out, code)
	}
}

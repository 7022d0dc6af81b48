package cli

import (
	"strings"
	"testing"
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

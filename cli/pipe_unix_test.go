//go:build unix

package cli

import (
	"fmt"
	"os"
	"testing"
)

func TestCommandsReadAPipeNamedByPath(t *testing.T) {
	// As replaytui verify /dev/stdin < <(cat log) or streams <(cat log).
	log, err := os.ReadFile(bank)
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		w.Write(log)
		w.Close()
	}()
	out, errOut, code := run(t, "verify", fmt.Sprintf("/dev/fd/%d", r.Fd()))
	wantCode(t, code, 0, out, errOut)
	if out != "ok: 22 lines, 22 events in 3 streams; seqs in order; the reducer is pure on every stream\n" {
		t.Fatalf("verify = %q", out)
	}
}

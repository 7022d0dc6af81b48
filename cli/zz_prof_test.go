package cli

import (
	"os"
	"strings"
	"testing"
)

func TestZZProf(t *testing.T) {
	args := strings.Fields(os.Getenv("ZZARGS"))
	if len(args) == 0 {
		t.Skip()
	}
	out, errs, code := run(t, args...)
	t.Logf("code %d stderr %q out %d bytes", code, errs, len(out))
}

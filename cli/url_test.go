package cli

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/tui"
)

// fileURL is the file:// URL of a file, which opens it as an object in a
// bucket (the folder).
func fileURL(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return "file://" + filepath.ToSlash(abs)
}

func TestALogInABucketReadsAsTheFileDoes(t *testing.T) {
	data, err := os.ReadFile(bank)
	if err != nil {
		t.Fatal(err)
	}
	gz := filepath.Join(t.TempDir(), "bank.jsonl.gz")
	f, _ := os.Create(gz)
	w := gzip.NewWriter(f)
	w.Write(data)
	w.Close()
	f.Close()

	for _, args := range [][]string{
		{"-r", "jq:@../testdata/bank.jq", "state", "LOG", "-s", "acct-bob", "--json"},
		{"-r", "jq:@../testdata/bank.jq", "find", "LOG", "-s", "acct-bob", "--where", "state.balance < 0"},
		{"streams", "LOG"},
	} {
		wantOut, wantErr, wantCode := run(t, with(args, bank)...)
		if wantCode != 0 || wantOut == "" {
			t.Fatalf("%v: exit %d, %q %q", args, wantCode, wantOut, wantErr)
		}
		for _, u := range []string{fileURL(t, bank), fileURL(t, gz)} {
			out, errOut, code := run(t, with(args, u)...)
			if code != 0 || out != wantOut {
				t.Errorf("%v from %s: exit %d\n%s%s\nwant\n%s", args, u, code, out, errOut, wantOut)
			}
		}
	}
}

func with(args []string, log string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "LOG" {
			a = log
		}
		out[i] = a
	}
	return out
}

func TestTheDebuggerOpensALogInABucket(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // os.UserCacheDir on Linux
	t.Setenv("HOME", cache)           // on macOS
	log := growingLog(t, 1000)
	u := fileURL(t, log)
	size, _ := os.Stat(log)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if key, err := cfg.FirstStream(t.Context()); err != nil || key != "s" {
			t.Fatalf("FirstStream = %q, %v", key, err)
		}
		bookmarkAt(t, cfg, 500)
		if _, total := cfg.Reading(); total != size.Size() {
			t.Errorf("Reading's total = %d, want the object's size %d (a percentage)", total, size.Size())
		}
	}, "-r", "set", u)

	// A compressed object's progress is its compressed bytes read.
	gz := log + ".gz"
	f, _ := os.Create(gz)
	w := gzip.NewWriter(f)
	data, _ := os.ReadFile(log)
	w.Write(data)
	w.Close()
	f.Close()
	gzSize, _ := os.Stat(gz)
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		if _, err := cfg.Log.Read(t.Context(), "s", 1000, 1); err != nil {
			t.Fatal(err)
		}
		if done, total := cfg.Reading(); total != gzSize.Size() || done != total {
			t.Errorf("Reading of a .gz object = %d of %d, want all of its %d bytes", done, total, gzSize.Size())
		}
	}, "-r", "set", fileURL(t, gz))

	// Kept in the cache directory, not beside the object, and found again.
	marks, _ := filepath.Glob(filepath.Join(cache, "*", "replaytui", "bookmarks", "log.jsonl.*.bookmarks.json"))
	more, _ := filepath.Glob(filepath.Join(cache, "replaytui", "bookmarks", "log.jsonl.*.bookmarks.json"))
	if marks = append(marks, more...); len(marks) != 1 {
		t.Fatalf("bookmarks files in the cache directory: %v", marks)
	}
	if _, err := os.Stat(log + ".bookmarks.json"); err == nil {
		t.Errorf("bookmarks written beside the object")
	}
	debugging(t, func(cfg tui.Config[any, jsonv.Payload]) {
		got, from, want := seekPast(t, cfg, 800)
		if from != replay.FromBookmark {
			t.Errorf("the seek started from %v, want the bookmark", from)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("state at 800 = %v, want %v", got, want)
		}
	}, "-r", "set", u)
}

func TestALogInABucketThatCannotBeRead(t *testing.T) {
	missing := "file://" + filepath.ToSlash(t.TempDir()) + "/nope.jsonl"
	out, errOut, code := run(t, "streams", missing)
	wantCode(t, code, exitBadInput, out, errOut)
	if !strings.Contains(errOut, missing) || !strings.Contains(errOut, "no such object") {
		t.Errorf("a missing object: %q", errOut)
	}
	out, errOut, code = run(t, "state", "gs://bucket/log.jsonl")
	if code == 0 || !strings.Contains(errOut, "gs://") || !strings.Contains(errOut, "-tags cloud") {
		t.Errorf("a scheme without its driver: exit %d, %q", code, errOut)
	}
}

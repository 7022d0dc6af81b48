package blobstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/replaytui/replaytui/replay"
	"github.com/replaytui/replaytui/replay/replaytest"
)

func raw(t *testing.T, url string) *Snapshotter[replaytest.Payload] {
	s, err := Open(context.Background(), url,
		func(s replaytest.Payload) ([]byte, error) { return s, nil },
		func(b []byte) (replaytest.Payload, error) { return replaytest.Payload(b), nil })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformanceInMemory(t *testing.T) {
	replaytest.TestSnapshotter(t, func(t *testing.T) replay.Snapshotter[replaytest.Payload] {
		return raw(t, "mem://")
	})
}

func TestConformanceInAFolder(t *testing.T) {
	replaytest.TestSnapshotter(t, func(t *testing.T) replay.Snapshotter[replaytest.Payload] {
		return raw(t, "file://"+t.TempDir())
	})
}

func TestStreamNamesWithSlashesAndLaterSeqs(t *testing.T) {
	dir := t.TempDir()
	s := raw(t, "file://"+dir)
	ctx := context.Background()
	for _, cp := range []replay.Checkpoint[replaytest.Payload]{
		{Stream: "orders/eu", Seq: 9, State: replaytest.Payload(`9`)},
		{Stream: "orders/eu", Seq: 10, State: replaytest.Payload(`10`)}, // sorts after 9 only when padded
		{Stream: "orders", Seq: 100, State: replaytest.Payload(`"other"`)},
	} {
		if err := s.Save(ctx, cp); err != nil {
			t.Fatal(err)
		}
	}
	cp, err := s.Load(ctx, "orders/eu", 50)
	if err != nil || cp == nil || cp.Seq != 10 {
		t.Fatalf("Load = %+v %v", cp, err)
	}
	if cp, _ := s.Load(ctx, "orders", 1000); cp == nil || cp.Seq != 100 {
		t.Fatalf("the stream orders got %+v, want seq 100", cp)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "s-orders%2Feu", "*.json"))
	if len(matches) != 2 {
		t.Fatalf("objects: %v", matches)
	}
	if _, err := os.Stat(filepath.Join(dir, "s-orders%2Feu", "00000000000000000010.json")); err != nil {
		t.Fatal(err)
	}
}

func TestABadURLIsAClearError(t *testing.T) {
	_, err := Open[int](context.Background(), "nope://bucket", nil, nil)
	if !errors.Is(err, ErrNoDriver) || !strings.Contains(err.Error(), "nope://") {
		t.Fatalf("an unknown scheme: %v", err)
	}
}

// The test binary, like the default replaytui binary, has no cloud
// drivers: asking for one says how to get it.
func TestACloudSchemeWithoutItsDriverSaysHowToGetIt(t *testing.T) {
	for scheme, driver := range map[string]string{"s3": "s3blob", "gs": "gcsblob", "azblob": "azureblob"} {
		_, err := Open[int](context.Background(), scheme+"://bucket", nil, nil)
		if !errors.Is(err, ErrNoDriver) {
			t.Fatalf("%s: %v, want ErrNoDriver", scheme, err)
		}
		for _, want := range []string{scheme + "://", "-tags cloud", driver} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %q does not say %q", scheme, err, want)
			}
		}
	}
}

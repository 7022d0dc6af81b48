package jetstream

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/replaytui/replaytui/replay"
)

// Headers of the messages this package publishes.
const (
	HeaderSeq    = "Replay-Seq"
	HeaderTime   = "Replay-Time"
	HeaderFields = "Replay-Fields"
)

// Connect connects to the NATS server at url and checks that it answers
// and has JetStream enabled, with an error that names the server.
func Connect(ctx context.Context, url string) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(url, nats.Name("replaytui"), nats.Timeout(5*time.Second))
	if err != nil {
		return nil, nil, fmt.Errorf("nats %s: cannot connect: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("nats %s: %w", url, err)
	}
	if _, err := js.AccountInfo(ctx); err != nil {
		nc.Close()
		if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) {
			return nil, nil, fmt.Errorf("nats %s: JetStream is not enabled on the server (start it with -js): %w", url, err)
		}
		return nil, nil, fmt.Errorf("nats %s: cannot reach JetStream: %w", url, err)
	}
	return nc, js, nil
}

// CreateStream creates the JetStream stream name with the subjects
// <prefix>.* if it does not exist, keeping every message on file with
// direct gets allowed (what Log needs). An existing stream is left as it
// is.
func CreateStream(ctx context.Context, js jetstream.JetStream, name, prefix string) (jetstream.Stream, error) {
	if err := checkPrefix(prefix); err != nil {
		return nil, err
	}
	// Never update one: its subjects and limits are its owner's.
	if s, err := js.Stream(ctx, name); err == nil {
		return s, nil
	} else if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, fmt.Errorf("nats %s: create stream %s: %w", host(js), name, err)
	}
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:        name,
		Subjects:    []string{prefix + ".*"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		AllowDirect: true,
	})
	if err != nil {
		return nil, fmt.Errorf("nats %s: create stream %s: %w", host(js), name, err)
	}
	return s, nil
}

// CreateBucket creates the key-value bucket name for checkpoints if it
// does not exist, keeping one value per key. An existing bucket is left
// as it is.
func CreateBucket(ctx context.Context, js jetstream.JetStream, name string) (jetstream.KeyValue, error) {
	if kv, err := js.KeyValue(ctx, name); err == nil {
		return kv, nil
	} else if !errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("nats %s: create bucket %s: %w", host(js), name, err)
	}
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: name, Storage: jetstream.FileStorage})
	if err != nil {
		return nil, fmt.Errorf("nats %s: create bucket %s: %w", host(js), name, err)
	}
	return kv, nil
}

func checkPrefix(prefix string) error {
	if prefix == "" || strings.ContainsAny(prefix, "*> \t\r\n") || strings.HasPrefix(prefix, ".") || strings.HasSuffix(prefix, ".") || strings.Contains(prefix, "..") {
		return fmt.Errorf("jetstream: subject prefix %q is not a subject without wildcards", prefix)
	}
	return nil
}

// tokens encodes keys that are not plain tokens; its alphabet is valid in
// subjects and key-value keys alike.
var tokens = base32.HexEncoding.WithPadding(base32.NoPadding)

// Token returns the subject token of a stream key (see the package doc).
func Token(key replay.StreamKey) string {
	if plain(string(key)) {
		return string(key)
	}
	return "=" + tokens.EncodeToString([]byte(key))
}

// KeyOf returns the stream key of a subject token; false when the token is
// not one Token makes.
func KeyOf(token string) (replay.StreamKey, bool) {
	if rest, ok := strings.CutPrefix(token, "="); ok {
		b, err := tokens.DecodeString(rest)
		if err != nil || plain(string(b)) {
			return "", false
		}
		return replay.StreamKey(b), true
	}
	return replay.StreamKey(token), plain(token)
}

func plain(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// host names the server of js for errors, or "(closed)".
func host(js jetstream.JetStream) string {
	if u := js.Conn().ConnectedUrlRedacted(); u != "" {
		return u
	}
	return "(not connected)"
}

// wrap gives an error the server and what was being done, keeping
// context and nats errors recognisable.
func wrap(server, what string, err error) error {
	if errors.Is(err, nats.ErrConnectionClosed) {
		return fmt.Errorf("nats %s: %s: the connection is closed: %w", server, what, err)
	}
	return fmt.Errorf("nats %s: %s: %w", server, what, err)
}

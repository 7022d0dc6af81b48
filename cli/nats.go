package cli

import (
	"fmt"
	"strings"

	"github.com/replaytui/replaytui/sources/jetstream"
)

// natsFlags say where a log in NATS JetStream is.
type natsFlags struct {
	NATS         string `name:"nats" placeholder:"URL" help:"Read the log from NATS JetStream instead of files (nats://127.0.0.1:4222); with --nats-stream."`
	NATSStream   string `name:"nats-stream" placeholder:"NAME" help:"The JetStream stream holding the log: one subject per replay stream (see sources/jetstream)."`
	NATSSubjects string `name:"nats-subjects" placeholder:"PREFIX" help:"The subject prefix of the replay streams, PREFIX.<stream> (default: the stream's own PREFIX.* or PREFIX.>, else its name)."`
	NATSCreate   bool   `name:"nats-create" help:"Create the JetStream stream if it is missing, taking the subjects PREFIX.*."`
}

// openNATS opens a log kept in a JetStream stream.
func (a *app[S, E]) openNATS() (*source[S, E], error) {
	if a.nats.NATSStream == "" {
		return nil, usageError("--nats needs --nats-stream NAME, the JetStream stream holding the log")
	}
	nc, js, err := jetstream.Connect(a.ctx, a.nats.NATS)
	if err != nil {
		return nil, err
	}
	prefix := a.nats.NATSSubjects
	if prefix == "" {
		prefix = a.nats.NATSStream
		// A stream of the user's takes its subjects as they are.
		if s, err := js.Stream(a.ctx, a.nats.NATSStream); err == nil {
			if p, ok := subjectPrefix(s.CachedInfo().Config.Subjects); ok {
				prefix = p
			}
		}
	}
	if a.nats.NATSCreate {
		if _, err := jetstream.CreateStream(a.ctx, js, a.nats.NATSStream, prefix); err != nil {
			nc.Close()
			return nil, err
		}
	}
	l, err := jetstream.NewLog[E](a.ctx, js, a.nats.NATSStream, prefix)
	if err != nil {
		nc.Close()
		if strings.Contains(err.Error(), "stream not found") && !a.nats.NATSCreate {
			return nil, fmt.Errorf("%w (--nats-create makes it)", err)
		}
		return nil, err
	}
	return &source[S, E]{log: l, infos: l.StreamInfos, close: func() error {
		l.Close()
		nc.Close()
		return nil
	}}, nil
}

// subjectPrefix is P when a stream takes exactly the subjects P.* or
// P.>.
func subjectPrefix(subjects []string) (string, bool) {
	if len(subjects) != 1 {
		return "", false
	}
	for _, wild := range []string{".*", ".>"} {
		if p, ok := strings.CutSuffix(subjects[0], wild); ok && p != "" && !strings.ContainsAny(p, "*>") {
			return p, true
		}
	}
	return "", false
}

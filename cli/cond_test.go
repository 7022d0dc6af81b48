package cli

import (
	"sync"
	"testing"

	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/reduce"
	"github.com/replaytui/replaytui/replay"
)

// The debugger evaluates a watch in a seek while a continue evaluates the
// same expression on another goroutine: with the real compiler, under
// -race, that must be safe and give each its own answer.
func TestAConditionRunsOnManyGoroutinesAtOnce(t *testing.T) {
	cfg := defaults[any, jsonv.Payload](reduce.Merge, (*jsonv.Object)(nil))
	JSON().apply(cfg)
	cond, err := compileCondition(cfg, "state.n * 2 + event.seq", false)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				n := float64(g*1000 + i)
				state, _ := jsonv.Decode([]byte(`{"n":` + string(jsonv.AppendNumber(nil, n)) + `}`))
				out, err := cond.eval(state, replay.Event[jsonv.Payload]{Seq: 1, Payload: jsonv.Payload{Value: []byte(`{}`)}})
				if err != nil || out != n*2+1 {
					t.Errorf("goroutine %d, n=%v: %v, %v; want %v", g, n, out, err, n*2+1)
					return
				}
			}
		})
	}
	wg.Wait()
}

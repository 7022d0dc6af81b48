// Package jsonv holds JSON values as replaytui folds them: states whose
// objects are persistent (an update copies only the path it changes, so
// keyframes of a large state are cheap), the JSON event payload type, and
// what the debugger does with values — encode, diff, merge-patch, paths.
//
// A value is one of nil, bool, float64, json.Number, string, []any or
// *Object. A number is a float64 when float64 holds its value exactly,
// and otherwise a json.Number holding its text (12345678901234567890123,
// 1e400), so that a state carries every number of a log exactly: only the
// spelling may change (1.0 is written 1). Plain map[string]any values
// (from encoding/json, gojq or expr) are accepted wherever a value is
// read, and FromPlain turns them into Objects.
// Values are immutable once built: functions here never modify their
// arguments. A nil *Object is the empty object {}; only an untyped nil is
// JSON null.
package jsonv

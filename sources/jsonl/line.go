package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/replaytui/replaytui/internal/jsonscan"
	"github.com/replaytui/replaytui/jsonv"
	"github.com/replaytui/replaytui/replay"
)

// head is what indexing keeps of a line: where it belongs.
type head struct {
	stream  replay.StreamKey
	seq     replay.Seq // 0 when the line has none
	time    time.Time
	hasTime bool
}

// lineError is a problem at a column of a line (1-based, in bytes).
type lineError struct {
	column int
	msg    string
}

func (e *lineError) Error() string { return fmt.Sprintf("column %d: %s", e.column, e.msg) }

func errAtColumn(line []byte, value []byte, format string, args ...any) *lineError {
	return &lineError{column: offsetIn(line, value) + 1, msg: fmt.Sprintf(format, args...)}
}

// offsetIn returns where sub, a subslice of line, starts inside it.
func offsetIn(line, sub []byte) int { return cap(line) - cap(sub) }

// lineErrorOf turns a scanner error into a lineError.
func lineErrorOf(err error) *lineError {
	var se *jsonscan.SyntaxError
	if errors.As(err, &se) {
		return &lineError{column: se.Offset + 1, msg: se.Msg}
	}
	var le *lineError
	if errors.As(err, &le) {
		return le
	}
	return &lineError{column: 1, msg: err.Error()}
}

// parseHead validates a whole line and extracts its stream, seq and time.
// The payload is validated but not decoded. streams interns stream names.
func parseHead(line []byte, streams map[string]replay.StreamKey) (head, *lineError) {
	h, _, _, err := parseLine(line, streams, nil)
	return h, err
}

var nullJSON = json.RawMessage("null")

// maxFields is how many extra fields parseLine notes without allocating.
const maxFields = 8

// parseLine validates a line in one pass and extracts where it belongs;
// when full says its stream is wanted, it also returns the whole event
// (its seq left 0 for the index to give) and true.
func parseLine(line []byte, streams map[string]replay.StreamKey, full func(replay.StreamKey) bool) (head, replay.Event[jsonv.Payload], bool, *lineError) {
	var none replay.Event[jsonv.Payload]
	var h head
	var payload []byte
	var extras [maxFields][2][]byte
	var more [][2][]byte // beyond maxFields
	n := 0
	end, err := jsonscan.MembersRaw(line, 0, func(key, value []byte) error {
		switch string(key) {
		case "stream":
			if value[0] != '"' {
				return errAtColumn(line, value, `"stream" must be a string, found %s`, preview(value))
			}
			name := value[1 : len(value)-1]
			if s, ok := streams[string(name)]; ok && bytes.IndexByte(name, '\\') < 0 {
				h.stream = s
				return nil
			}
			s, err := jsonscan.Unquote(value)
			if err != nil {
				return err
			}
			h.stream = replay.StreamKey(s)
			if len(streams) < 1<<20 {
				streams[s] = h.stream
			}
		case "seq":
			seq, err := parseSeq(value)
			if err != nil {
				return errAtColumn(line, value, "%s", err)
			}
			h.seq = seq
		case "time":
			t, ok, err := ParseTime(value)
			if err != nil {
				return errAtColumn(line, value, "%s", err)
			}
			h.time, h.hasTime = t, ok
		case "payload":
			payload = value
		default:
			if n < maxFields {
				extras[n] = [2][]byte{key, value}
			} else {
				more = append(more, [2][]byte{key, value})
			}
			n++
		}
		return nil
	})
	if err != nil {
		return h, none, false, lineErrorOf(err)
	}
	if end = jsonscan.SkipSpace(line, end); end != len(line) {
		return h, none, false, &lineError{column: end + 1, msg: "expected the end of the line after the event object, found more text"}
	}
	if full == nil || !full(h.stream) {
		return h, none, false, nil
	}
	// Every value of the line was validated above.
	ev := replay.Event[jsonv.Payload]{Stream: h.stream, Time: h.time, Payload: jsonv.Payload{Value: nullJSON}.Checked()}
	if payload != nil {
		ev.Payload.Value = json.RawMessage(payload)
	}
	if n > 0 {
		ev.Payload.Fields = make([]jsonv.Field, 0, n)
		for _, kv := range append(extras[:min(n, maxFields)], more...) {
			name, err := fieldName(kv[0])
			if err != nil {
				return h, none, false, lineErrorOf(err)
			}
			ev.Payload.Fields = append(ev.Payload.Fields, jsonv.Field{Name: name, Value: json.RawMessage(kv[1])})
		}
	}
	return h, ev, true, nil
}

// fieldName decodes a raw member name.
func fieldName(key []byte) (string, error) {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key), nil
	}
	return jsonscan.Unquote(append(append([]byte{'"'}, key...), '"'))
}

func parseSeq(value []byte) (replay.Seq, error) {
	n, err := strconv.ParseUint(string(value), 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf(`"seq" must be a whole number from 1, found %s`, preview(value))
	}
	return replay.Seq(n), nil
}

// TimeFormats lists the time layouts a "time" string may have, besides
// Unix seconds or milliseconds as a number.
var TimeFormats = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999", // no zone: UTC
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
	"2006.01.02",
	"2006/01/02",
}

// ParseTime reads the JSON "time" value of a line: a string in one of
// TimeFormats (no zone means UTC), a number of Unix seconds (or
// milliseconds, when it is above 1e11, which as seconds would be past the
// year 5000), or null. ok is false for null.
func ParseTime(value []byte) (t time.Time, ok bool, err error) {
	switch c := value[0]; {
	case c == 'n':
		return time.Time{}, false, nil
	case c == '"':
		if t, ok := fastRFC3339(value); ok {
			return t, true, nil
		}
		s, err := jsonscan.Unquote(value)
		if err != nil {
			return time.Time{}, false, err
		}
		for _, layout := range TimeFormats {
			if t, err := time.Parse(layout, s); err == nil {
				return t, true, nil
			}
		}
		return time.Time{}, false, fmt.Errorf(`"time": %s is not a time; want RFC 3339, a date, or Unix seconds/milliseconds`, shownAsIs(value))
	case c == '-' || c >= '0' && c <= '9':
		if n, err := strconv.ParseInt(string(value), 10, 64); err == nil && n >= -1e15 && n <= 1e15 {
			if n > 1e11 || n < -1e11 {
				return time.UnixMilli(n).UTC(), true, nil
			}
			return time.Unix(n, 0).UTC(), true, nil
		}
		f, err := strconv.ParseFloat(string(value), 64)
		if err != nil || math.IsInf(f, 0) || math.Abs(f) > 1e15 {
			return time.Time{}, false, fmt.Errorf(`"time": %s is out of range for Unix seconds or milliseconds`, shownAsIs(value))
		}
		if math.Abs(f) > 1e11 {
			f /= 1000
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, nil
	}
	return time.Time{}, false, fmt.Errorf(`"time": %s is not a time; want a string, a number or null`, shownAsIs(value))
}

// fastRFC3339 reads "2006-01-02T15:04:05Z", the commonest time of all,
// without time.Parse: a log has one on every line.
func fastRFC3339(v []byte) (time.Time, bool) {
	if len(v) < 22 || v[0] != '"' || v[5] != '-' || v[8] != '-' || v[11] != 'T' || v[14] != ':' || v[17] != ':' || v[len(v)-2] != 'Z' || v[len(v)-1] != '"' {
		return time.Time{}, false
	}
	// A fraction of a second, of 1 to 9 digits, as loggers write them.
	nsec := 0
	if frac := v[20 : len(v)-2]; len(frac) > 0 {
		if len(frac) < 2 || len(frac) > 10 || frac[0] != '.' {
			return time.Time{}, false
		}
		for _, c := range frac[1:] {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			nsec = nsec*10 + int(c-'0')
		}
		for range 10 - len(frac) {
			nsec *= 10
		}
	}
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(v[1:5]), num(v[6:8]), num(v[9:11])
	hour, minute, sec := num(v[12:14]), num(v[15:17]), num(v[18:20])
	if year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // February 30th and the like: let time.Parse say no
		return time.Time{}, false
	}
	return t, true
}

// shownAsIs shortens a raw JSON value for an error message, as the line
// has it: a string keeps its quotes and escapes, and needs no more.
func shownAsIs(value []byte) string {
	cut := 40
	if len(value) <= cut {
		return string(value)
	}
	for cut > 0 && !utf8.RuneStart(value[cut]) {
		cut--
	}
	return string(value[:cut]) + "…"
}

// preview shortens a raw value for an error message.
func preview(value []byte) string {
	const most = 40
	s := string(value)
	if len(s) > most {
		s = s[:most] + "…"
	}
	return strconv.Quote(s)
}

// parseEvent decodes an already indexed line into an event. seq is the
// seq the index gave it.
func parseEvent(line []byte, seq replay.Seq) (replay.Event[jsonv.Payload], error) {
	_, ev, _, lerr := parseLine(line, map[string]replay.StreamKey{}, func(replay.StreamKey) bool { return true })
	if lerr != nil {
		return replay.Event[jsonv.Payload]{}, lerr
	}
	ev.Seq = seq
	return ev, nil
}

// reservedField reports whether name is one of the members a line
// format gives meaning to.
func reservedField(name string) bool {
	switch name {
	case "stream", "seq", "time", "payload":
		return true
	}
	return false
}

// appendLine encodes ev as one line, ending in '\n'.
func appendLine(buf []byte, ev replay.Event[jsonv.Payload]) ([]byte, error) {
	buf = append(buf, `{"stream":`...)
	buf = jsonv.AppendString(buf, string(ev.Stream))
	buf = append(buf, `,"seq":`...)
	buf = strconv.AppendUint(buf, uint64(ev.Seq), 10)
	if !ev.Time.IsZero() {
		buf = append(buf, `,"time":"`...)
		buf = ev.Time.AppendFormat(buf, time.RFC3339Nano)
		buf = append(buf, '"')
	}
	for _, f := range ev.Payload.Fields {
		if reservedField(f.Name) {
			return buf, fmt.Errorf("extra field %q would clash with the line's own %q", f.Name, f.Name)
		}
		buf = append(buf, ',')
		buf = jsonv.AppendString(buf, f.Name)
		buf = append(buf, ':')
		var err error
		if buf, err = appendCompact(buf, f.Value, "field "+strconv.Quote(f.Name)); err != nil {
			return buf, err
		}
	}
	buf = append(buf, `,"payload":`...)
	value := ev.Payload.Value
	if len(value) == 0 {
		value = json.RawMessage("null")
	}
	buf, err := appendCompact(buf, value, "payload")
	if err != nil {
		return buf, err
	}
	return append(buf, "}\n"...), nil
}

// appendCompact appends raw JSON with its insignificant whitespace (and so
// any line break) removed.
func appendCompact(buf []byte, raw []byte, what string) ([]byte, error) {
	// jsonscan is stricter than json.Compact (UTF-8, raw control bytes).
	if _, err := jsonscan.Decode(raw); err != nil {
		return buf, fmt.Errorf("the %s is not JSON: %w", what, err)
	}
	out := bytes.NewBuffer(buf)
	if err := json.Compact(out, raw); err != nil {
		return buf, fmt.Errorf("the %s is not JSON: %w", what, err)
	}
	return out.Bytes(), nil
}

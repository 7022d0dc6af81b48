package tui

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kr/pretty"

	"github.com/replaytui/replaytui/jsonv"
)

// Row is one line of a state in the state pane.
type Row struct {
	Depth    int
	Path     string // where the value of this row is, as .a.b[2]
	Key      string // its member name or index; "" at the top
	Text     string // a scalar, an opening or closing bracket, or a folded summary
	Foldable bool   // an object or array that can be folded
	Folded   bool
	// ID names the block this row opens, for folding it.
	ID string
}

// Doc is a state laid out as rows. Rows are produced on demand: a large
// state costs a walk to count its rows, and formatting only for the rows
// on screen.
type Doc interface {
	// Rows returns rows [from, from+n), with the values at folded paths
	// shown as one row, and the number of rows in all.
	Rows(folded map[string]bool, from, n int) ([]Row, int)
}

// JSONDoc shows a jsonv value as indented JSON, objects and arrays
// foldable.
func JSONDoc(v any) Doc { return jsonDoc{v} }

type jsonDoc struct{ v any }

func (d jsonDoc) Rows(folded map[string]bool, from, n int) ([]Row, int) {
	w := rowWalker{folded: folded, from: from, to: from + n}
	w.visit(d.v, "", 0)
	return w.rows, w.count
}

// Find returns the row of path, or of its nearest ancestor on show, by
// walking the value without laying rows out.
func (d jsonDoc) Find(folded map[string]bool, path string) (int, bool) {
	w := rowWalker{folded: folded, from: math.MaxInt, to: math.MaxInt, find: path, found: -1} // no row is laid out
	w.visit(d.v, "", 0)
	if w.found >= 0 {
		return w.found, true
	}
	return w.ancestor, w.ancestor > 0
}

// rowWalker walks a value once, counting its rows and formatting those in
// the window [from, to). It keeps the path it is at as text, a level
// appended and cut off again at a time: a value nested thousands deep
// costs time and memory in proportion to its size, not to its depth
// times its size.
type rowWalker struct {
	folded   map[string]bool
	from, to int
	count    int
	rows     []Row
	path     []byte // where the walk is, as Path.String writes it

	// Finding a path: the row where it is, else the last ancestor met;
	// with keep, its value too.
	find     string
	found    int
	ancestor int
	keep     bool
	value    any
	current  any // the value visit is at, for note
}

// note records the row about to be counted, when finding a path.
func (w *rowWalker) note(hasKey bool) {
	if w.find == "" || w.found >= 0 || !hasKey && w.count > 0 {
		return
	}
	p := w.pathText()
	switch {
	case p == w.find:
		w.found = w.count
		if w.keep {
			w.value = w.current
		}
	case isAncestor(p, w.find):
		w.ancestor = w.count
	}
}

// pathText is the path the walk is at.
func (w *rowWalker) pathText() string {
	if len(w.path) == 0 {
		return "."
	}
	return string(w.path)
}

// isFolded looks the path up without making a string of it.
func (w *rowWalker) isFolded() bool {
	if len(w.folded) == 0 {
		return false
	}
	if len(w.path) == 0 {
		return w.folded["."]
	}
	return w.folded[string(w.path)]
}

// visible reports whether the next row is in the window.
func (w *rowWalker) visible() bool { return w.count >= w.from && w.count < w.to }

func (w *rowWalker) emit(r Row) {
	w.rows = append(w.rows, r)
	w.count++
}

// maxValueText is how much of a scalar a row shows: a 50 MB string is
// cut here before it is formatted, so that a frame costs the same
// whatever the value's size. The detail of a value is for other views.
const maxValueText = 4096

func (w *rowWalker) visit(v any, key string, depth int) {
	if w.find != "" {
		if w.found >= 0 {
			return
		}
		w.current = v
		// Only a value on the way to the path can hold it.
		if p := w.pathText(); p != w.find && !isAncestor(p, w.find) {
			w.count += w.rowsShown(v)
			return
		}
		w.note(key != "" || depth == 0)
	}
	if w.count >= w.to && len(w.folded) == 0 {
		// Past the window with nothing folded: only the count is left to
		// find, and it needs no paths.
		w.count += rowsOf(v)
		return
	}
	var open, close string
	var n int
	switch t := v.(type) {
	case *jsonv.Object:
		open, close, n = "{", "}", t.Len()
	case []any:
		open, close, n = "[", "]", len(t)
	case map[string]any:
		w.visit(jsonv.FromPlain(t), key, depth)
		return
	}
	if n == 0 || open == "" {
		if w.visible() {
			w.emit(Row{Depth: depth, Path: w.pathText(), Key: key, Text: scalarText(v)})
		} else {
			w.count++
		}
		return
	}
	if w.isFolded() {
		if w.visible() {
			what := "members"
			if open == "[" {
				what = "elements"
			}
			p := w.pathText()
			w.emit(Row{Depth: depth, Path: p, Key: key, Text: fmt.Sprintf("%s… %d %s %s", open, n, what, close), Foldable: true, Folded: true, ID: p})
		} else {
			w.count++
		}
		return
	}
	if w.visible() {
		p := w.pathText()
		w.emit(Row{Depth: depth, Path: p, Key: key, Text: open, Foldable: true, ID: p})
	} else {
		w.count++
	}
	level := len(w.path)
	// Past the window with nothing folded and nothing to find, a child
	// is only counted, and needs no path: a state of many members costs
	// a count of them, not a path written for each.
	countOnly := func() bool { return w.count >= w.to && len(w.folded) == 0 && w.find == "" }
	switch t := v.(type) {
	case *jsonv.Object:
		for k, e := range t.All() {
			if countOnly() {
				w.count += rowsOf(e)
				continue
			}
			w.path = jsonv.AppendStep(w.path[:level], k)
			w.visit(e, k, depth+1)
		}
	case []any:
		for i, e := range t {
			if countOnly() {
				w.count += rowsOf(e)
				continue
			}
			w.path = jsonv.AppendStep(w.path[:level], i)
			key := ""
			if w.count < w.to { // only rows that may show need their key
				key = "[" + strconv.Itoa(i) + "]"
			}
			w.visit(e, key, depth+1)
		}
	}
	w.path = w.path[:level]
	if w.visible() {
		w.emit(Row{Depth: depth, Path: w.pathText(), Text: close})
	} else {
		w.count++
	}
}

// clip cuts s, a value shown on a line of width cells, to a length that
// still fills the line (a cell takes at most a few bytes), so that what
// the line shows costs no more to measure and sanitise than the line.
func clip(s string, width int) string {
	limit := max(width, 1) * 16
	if len(s) <= limit {
		return s
	}
	cut := s[:limit]
	for !utf8.ValidString(cut) && len(cut) > 0 {
		cut = cut[:len(cut)-1]
	}
	return cut + "…"
}

// readableValue is the whole value of a row to read: a JSON string as the
// text it holds, with no pass over it, and indented is false; anything
// else as valueText writes it.
func readableValue(doc Doc, folded map[string]bool, r Row) (text string, indented bool) {
	if d, ok := doc.(jsonDoc); ok {
		w := rowWalker{from: math.MaxInt, to: math.MaxInt, find: r.Path, found: -1, keep: true}
		w.visit(d.v, "", 0)
		if s, ok := w.value.(string); ok && w.found >= 0 {
			return s, false
		}
	}
	return valueText(doc, folded, r), true
}

// valueText is the whole value of a row, to copy: a JSON value as
// indented JSON, whatever the row shows of it; a Go value as its rows.
func valueText(doc Doc, folded map[string]bool, r Row) string {
	switch d := doc.(type) {
	case jsonDoc:
		w := rowWalker{folded: nil, from: math.MaxInt, to: math.MaxInt, find: r.Path, found: -1, keep: true}
		w.visit(d.v, "", 0)
		if w.found >= 0 {
			return string(jsonv.Append(nil, w.value, "  "))
		}
	case prettyDoc:
		for i, pr := range d.rows {
			if pr.Row.Path == r.Path && pr.Row.Key == r.Key && pr.Row.Depth == r.Depth {
				var lines []string
				for j := i; j <= pr.end; j++ {
					row := d.rows[j].Row
					text := row.Text
					if row.Key != "" && j > i { // the value itself, without its own key
						text = row.Key + ": " + text
					}
					lines = append(lines, strings.Repeat("    ", row.Depth-r.Depth)+text)
				}
				return strings.TrimSuffix(strings.Join(lines, "\n"), ",")
			}
		}
	}
	return r.Text
}

// rowsShown is how many rows v takes with the folds.
func (w *rowWalker) rowsShown(v any) int {
	if len(w.folded) == 0 {
		return rowsOf(v)
	}
	sub := rowWalker{folded: w.folded, path: w.path}
	sub.visit(v, "x", 0)
	return sub.count
}

// rowsOf is how many rows v takes unfolded: one for a scalar or an empty
// container, else an opening and a closing row around its children's.
func rowsOf(v any) int {
	switch t := v.(type) {
	case *jsonv.Object:
		if t.Len() == 0 {
			return 1
		}
		n := 2
		for _, e := range t.All() {
			n += rowsOf(e)
		}
		return n
	case []any:
		if len(t) == 0 {
			return 1
		}
		n := 2
		for _, e := range t {
			switch e.(type) {
			case *jsonv.Object, []any, map[string]any:
				n += rowsOf(e)
			default:
				n++
			}
		}
		return n
	case map[string]any:
		return rowsOf(jsonv.FromPlain(t))
	}
	return 1
}

// scalarText is a scalar as JSON, cut to maxValueText bytes.
func scalarText(v any) string {
	if s, ok := v.(string); ok && len(s) > maxValueText {
		cut := s[:maxValueText]
		for !utf8.ValidString(cut) && len(cut) > 0 {
			cut = cut[:len(cut)-1]
		}
		quoted := jsonv.Marshal(cut)
		return fmt.Sprintf("%s…\" (%d bytes)", quoted[:len(quoted)-1], len(s))
	}
	return string(jsonv.Marshal(v))
}

// PrettyDoc shows a Go value as kr/pretty prints it; blocks (structs,
// maps, slices spread over lines) fold.
func PrettyDoc(v any) Doc {
	lines := prettyLines(v)
	d := prettyDoc{rows: make([]prettyRow, len(lines))}
	type open struct {
		index int
		path  string
	}
	var stack []open
	for i, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		depth := (len(line) - len(trimmed)) / 4
		key, text, step := "", trimmed, ""
		if k, rest, ok := strings.Cut(trimmed, ":"); ok {
			switch {
			case !strings.ContainsAny(k, `"{}[]( `) && isNumber(k): // a map entry with a number key
				key, text, step = k, strings.TrimLeft(rest, " "), "["+k+"]"
			case !strings.ContainsAny(k, `"{}[]( `): // a struct field
				key, text, step = k, strings.TrimLeft(rest, " "), "."+k
			case len(k) >= 2 && k[0] == '"' && isQuoted(k): // a map entry with a string key
				key, text, step = k, strings.TrimLeft(rest, " "), "["+k+"]"
			}
		}
		if (strings.HasPrefix(trimmed, "}") || strings.HasPrefix(trimmed, "]")) && len(stack) > 0 {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			d.rows[top.index].end = i
			d.rows[i] = prettyRow{Row: Row{Depth: depth, Path: top.path, Text: trimmed}, end: i}
			continue
		}
		path := ""
		if len(stack) > 0 {
			path = stack[len(stack)-1].path
		}
		path += step
		d.rows[i] = prettyRow{Row: Row{Depth: depth, Path: path, Key: key, Text: text}, end: i}
		if strings.HasSuffix(trimmed, "{") || strings.HasSuffix(trimmed, "[") {
			d.rows[i].Foldable, d.rows[i].ID = true, fmt.Sprint(i)
			stack = append(stack, open{i, path})
		}
	}
	return d
}

// isQuoted reports a Go quoted string, as kr/pretty writes map keys.
func isQuoted(s string) bool {
	_, err := strconv.Unquote(s)
	return err == nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// prettyLines is kr/pretty's rendering of v, with a struct's fields one
// a line even where kr/pretty would put a small struct on one line: a
// state is read field by field.
func prettyLines(v any) []string {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct || rv.NumField() == 0 {
		return strings.Split(pretty.Sprintf("%# v", v), "\n")
	}
	t := rv.Type()
	lines := []string{t.String() + "{"}
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return strings.Split(pretty.Sprintf("%# v", v), "\n") // kr/pretty shows those
		}
		field := strings.Split(prettyValue(rv.Field(i)), "\n")
		lines = append(lines, "    "+t.Field(i).Name+": "+field[0])
		for _, l := range field[1:] {
			lines = append(lines, "    "+l)
		}
		lines[len(lines)-1] += ","
	}
	return append(lines, "}")
}

// prettyValue renders a field: scalars as Go writes them (60, "tx-3"),
// anything else as kr/pretty does.
func prettyValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return strconv.Quote(v.String())
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return fmt.Sprint(v.Interface())
	}
	return pretty.Sprintf("%# v", v.Interface())
}

type prettyRow struct {
	Row
	end int // the row that closes this block (itself when not a block)
}

type prettyDoc struct{ rows []prettyRow }

func (d prettyDoc) Rows(folded map[string]bool, from, n int) ([]Row, int) {
	var out []Row
	count := 0
	for i := 0; i < len(d.rows); i++ {
		r := d.rows[i].Row
		if r.Foldable && folded[r.ID] {
			r.Folded = true
			r.Text += " … }"
			i = d.rows[i].end
		}
		if count >= from && count < from+n {
			out = append(out, r)
		}
		count++
	}
	return out, count
}

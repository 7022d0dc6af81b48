package tui

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

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
	w.visit(d.v, "", nil, 0)
	return w.rows, w.count
}

type rowWalker struct {
	folded   map[string]bool
	from, to int
	count    int
	rows     []Row
}

// emit counts a row and keeps it when it is in the window; make is
// called only then, so rows off screen cost no formatting.
func (w *rowWalker) emit(make func() Row) {
	if w.count >= w.from && w.count < w.to {
		w.rows = append(w.rows, make())
	}
	w.count++
}

func (w *rowWalker) visit(v any, key string, path jsonv.Path, depth int) {
	var open, close string
	var n int
	switch t := v.(type) {
	case *jsonv.Object:
		open, close, n = "{", "}", t.Len()
	case []any:
		open, close, n = "[", "]", len(t)
	case map[string]any:
		v = jsonv.FromPlain(t)
		w.visit(v, key, path, depth)
		return
	}
	if n == 0 || open == "" {
		w.emit(func() Row {
			return Row{Depth: depth, Path: path.String(), Key: key, Text: string(jsonv.Marshal(v))}
		})
		return
	}
	p := path.String()
	if w.folded[p] {
		w.emit(func() Row {
			what := "members"
			if open == "[" {
				what = "elements"
			}
			return Row{Depth: depth, Path: p, Key: key, Text: fmt.Sprintf("%s… %d %s %s", open, n, what, close), Foldable: true, Folded: true, ID: p}
		})
		return
	}
	w.emit(func() Row { return Row{Depth: depth, Path: p, Key: key, Text: open, Foldable: true, ID: p} })
	switch t := v.(type) {
	case *jsonv.Object:
		for k, e := range t.All() {
			w.visit(e, k, path.Child(k), depth+1)
		}
	case []any:
		for i, e := range t {
			w.visit(e, fmt.Sprintf("[%d]", i), path.Child(i), depth+1)
		}
	}
	w.emit(func() Row { return Row{Depth: depth, Path: p, Text: close} })
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
		key, text := "", trimmed
		if k, rest, ok := strings.Cut(trimmed, ":"); ok && !strings.ContainsAny(k, `"{}[]( `) {
			key, text = k, strings.TrimLeft(rest, " ")
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
		if key != "" {
			path += "." + key
		}
		d.rows[i] = prettyRow{Row: Row{Depth: depth, Path: path, Key: key, Text: text}, end: i}
		if strings.HasSuffix(trimmed, "{") || strings.HasSuffix(trimmed, "[") {
			d.rows[i].Foldable, d.rows[i].ID = true, fmt.Sprint(i)
			stack = append(stack, open{i, path})
		}
	}
	return d
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

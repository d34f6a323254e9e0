package course

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Line is embedded-by-field in file structs: the decoder stores there the
// line where the value starts, so later checks can point at it.
type Line int

var (
	lineType    = reflect.TypeOf(Line(0))
	locatedType = reflect.TypeOf(located{})
)

// decodeFile parses one YAML document into out, a pointer to a struct.
// It reports every unknown field, type mismatch and syntax error with its
// line instead of stopping at the first, so `elmabot check` lists them all.
// It returns false when the file could not be parsed at all.
func decodeFile(name string, data []byte, out any, probs *Problems) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		syntaxError(name, data, err, probs)
		return false
	}
	if len(doc.Content) == 0 {
		probs.Add(name, 1, "file is empty")
		return false
	}
	d := decoder{file: name, probs: probs}
	d.value(doc.Content[0], reflect.ValueOf(out).Elem(), "")
	extraDocument(name, data, dec, probs)
	return true
}

// extraDocument reports a second document in the file: the course reads
// only the first, so whatever follows a "---" would be lost unseen.
func extraDocument(name string, data []byte, dec *yaml.Decoder, probs *Problems) {
	var next yaml.Node
	err := dec.Decode(&next)
	switch {
	case errors.Is(err, io.EOF):
	case err != nil:
		syntaxError(name, data, err, probs)
	default:
		probs.Add(name, next.Line, "a second YAML document starts here (---); a course file holds one document, the rest would be ignored")
	}
}

// syntaxError reports a parse error. yaml.v3 gives no line for invalid
// UTF-8, so the first bad byte is located here instead.
func syntaxError(name string, data []byte, err error, probs *Problems) {
	if strings.Contains(err.Error(), "UTF-8") && !utf8.Valid(data) {
		line, col := badUTF8(data)
		probs.Add(name, line, "column %d: invalid UTF-8 (save the file as UTF-8)", col)
		return
	}
	probs.Add(name, syntaxLine(err), "syntax error: %s", stripYAMLPrefix(err))
}

// badUTF8 returns the line and column (in characters, from 1) of the
// first byte that is not valid UTF-8.
func badUTF8(data []byte) (line, col int) {
	line, col = 1, 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line, col
		}
		col++
		if r == '\n' {
			line, col = line+1, 1
		}
		data = data[size:]
	}
	return line, col
}

type decoder struct {
	file  string
	probs *Problems
}

func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if v.Type() == locatedType {
		if d.scalar(n, path) {
			v.Set(reflect.ValueOf(located{Line: Line(n.Line), Value: n.Value}))
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.object(n, v, path)
	case reflect.Slice:
		d.list(n, v, path)
	case reflect.String:
		if d.scalar(n, path) {
			v.SetString(n.Value)
		}
	case reflect.Int:
		if !d.scalar(n, path) {
			return
		}
		i, err := strconv.Atoi(n.Value)
		if err != nil {
			d.probs.Add(d.file, n.Line, "%s: %q is not a whole number", path, n.Value)
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		if !d.scalar(n, path) {
			return
		}
		b, err := strconv.ParseBool(n.Value)
		if err != nil {
			d.probs.Add(d.file, n.Line, "%s: %q is not true or false", path, n.Value)
			return
		}
		v.SetBool(b)
	default:
		panic("course: unsupported field kind " + v.Kind().String())
	}
}

func (d *decoder) scalar(n *yaml.Node, path string) bool {
	if n.Kind != yaml.ScalarNode {
		d.probs.Add(d.file, n.Line, "%s: expected a single value, found %s", path, kindName(n))
		return false
	}
	return true
}

func (d *decoder) list(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.probs.Add(d.file, n.Line, "%s: expected a list, found %s", path, kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.value(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i+1))
	}
	v.Set(s)
}

func (d *decoder) object(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.probs.Add(d.file, n.Line, "%s: expected fields, found %s", orTop(path), kindName(n))
		return
	}
	fields := fieldsOf(v.Type())
	if i, ok := fields["-line"]; ok {
		v.Field(i).SetInt(int64(n.Line))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		idx, ok := fields[key.Value]
		if !ok {
			d.probs.Add(d.file, key.Line, "unknown field %q%s (known: %s)", key.Value, in(path), knownNames(fields))
			continue
		}
		if seen[key.Value] {
			d.probs.Add(d.file, key.Line, "field %q given twice%s", key.Value, in(path))
			continue
		}
		seen[key.Value] = true
		d.value(val, v.Field(idx), join(path, key.Value))
	}
}

// fieldsOf maps yaml names to field indexes; the Line field is "-line".
func fieldsOf(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type == lineType {
			out["-line"] = i
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = i
	}
	return out
}

func knownNames(fields map[string]int) string {
	var names []string
	for name := range fields {
		if name != "-line" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "fields"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func in(path string) string {
	if path == "" {
		return ""
	}
	return " in " + path
}

func orTop(path string) string {
	if path == "" {
		return "document"
	}
	return path
}

// syntaxLine digs the line number out of a yaml.v3 error message, which
// reads "yaml: line 7: ...". yaml.v3 counts lines from 0 in its parser
// errors ("did not find expected ...", reported at the construct that was
// left open) and from 1 in its scanner errors, so the former get one added.
// It returns 1 when the message has no line.
func syntaxLine(err error) int {
	msg := err.Error()
	shift := 0
	if strings.Contains(msg, "did not find expected") {
		shift = 1
	}
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 1
	}
	rest := msg[i+5:]
	end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if end <= 0 {
		return 1
	}
	n, _ := strconv.Atoi(rest[:end])
	return n + shift
}

func stripYAMLPrefix(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, "line "); i == 0 {
		if j := strings.Index(msg, ": "); j > 0 {
			msg = msg[j+2:]
		}
	}
	return msg
}

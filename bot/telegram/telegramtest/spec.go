package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/elmabot/elmabot/bot/internal/specs"
)

// SpecFile is the name of the Bot API description under the specs folder.
const SpecFile = "telegram-bot-api.json"

// Spec is the part of the Bot API description the server checks requests
// against: every method with its parameters, every type with its fields.
type Spec struct {
	Version string                `json:"version"`
	Methods map[string]specMethod `json:"methods"`
	Types   map[string]specType   `json:"types"`

	// accepted holds the JSON form values already found to fit a type,
	// keyed by type, requiredness and text: a bot sends the same poll
	// options and keyboards again and again, and each needs checking once.
	// Only acceptances are kept, so a bad value is reported every time.
	accepted sync.Map
}

type specMethod struct {
	Name   string      `json:"name"`
	Fields []specField `json:"fields"`
}

type specType struct {
	Name     string      `json:"name"`
	Fields   []specField `json:"fields"`
	Subtypes []string    `json:"subtypes"`
}

type specField struct {
	Name     string   `json:"name"`
	Types    []string `json:"types"`
	Required bool     `json:"required"`
}

// LoadSpec reads the Bot API description from path.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("telegramtest: %s: %w", path, err)
	}
	if len(s.Methods) == 0 || len(s.Types) == 0 {
		return nil, fmt.Errorf("telegramtest: %s: no methods or types", path)
	}
	return &s, nil
}

// FindSpec returns where the description is (see specs.Find).
func FindSpec() (string, error) { return specs.Find(SpecFile) }

// param is one request parameter as it arrived: a form value (always a
// string, structured values JSON-encoded inside it) or a value decoded
// from a JSON body.
type param struct {
	form  bool
	text  string
	value any
}

// Check validates a call against the spec and lists what is wrong:
// unknown method, unknown parameter, missing required parameter, or a
// value that cannot be of the declared type. An empty list means valid.
func (s *Spec) Check(method string, params map[string]param) []string {
	m, ok := s.Methods[method]
	if !ok {
		return []string{fmt.Sprintf("unknown method %q", method)}
	}
	var problems []string
	known := make(map[string]specField, len(m.Fields))
	for _, f := range m.Fields {
		known[f.Name] = f
		if _, there := params[f.Name]; f.Required && !there {
			problems = append(problems, fmt.Sprintf("%s: required parameter %q missing", method, f.Name))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		f, ok := known[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: unknown parameter %q", method, name))
			continue
		}
		if err := s.checkParam(f, params[name]); err != nil {
			problems = append(problems, fmt.Sprintf("%s: parameter %q: %v", method, name, err))
		}
	}
	return problems
}

// checkParam accepts the value if it fits any of the field's types.
func (s *Spec) checkParam(f specField, p param) error {
	var errs []error
	for _, typ := range f.Types {
		var err error
		if p.form {
			err = s.checkForm(typ, p.text, f.Required)
		} else {
			err = s.checkValue(typ, p.value, f.Required)
		}
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkForm checks a form value: scalars are written out as text,
// everything else is JSON inside the text.
func (s *Spec) checkForm(typ, text string, required bool) error {
	switch typ {
	case "String", "InputFile":
		return nil
	case "Integer":
		if _, err := strconv.ParseInt(text, 10, 64); err != nil {
			return fmt.Errorf("%q is not an Integer", text)
		}
		return nil
	case "Float":
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return fmt.Errorf("%q is not a Float", text)
		}
		return nil
	case "Boolean":
		if text != "true" && text != "false" {
			return fmt.Errorf("%q is not a Boolean", text)
		}
		return nil
	}
	key := fmt.Sprintf("%s\x00%t\x00%s", typ, required, text)
	if _, ok := s.accepted.Load(key); ok {
		return nil
	}
	v, err := decodeJSON([]byte(text))
	if err != nil {
		return fmt.Errorf("want JSON-serialized %s: %v", typ, err)
	}
	if err := s.checkValue(typ, v, required); err != nil {
		return err
	}
	s.accepted.Store(key, true)
	return nil
}

// decodeJSON decodes one JSON value keeping numbers exact, so Integer and
// Float can be told apart.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

// checkValue checks a decoded JSON value against a type of the spec.
// A null stands for an absent optional value, which is how Telegram
// reads it.
func (s *Spec) checkValue(typ string, v any, required bool) error {
	if v == nil {
		if required {
			return fmt.Errorf("null for required %s", typ)
		}
		return nil
	}
	if elem, ok := strings.CutPrefix(typ, "Array of "); ok {
		return s.checkArray(elem, v)
	}
	switch typ {
	case "String":
		return want[string](v, typ)
	case "Boolean":
		return want[bool](v, typ)
	case "Integer":
		n, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("%v is not an Integer", v)
		}
		if _, err := n.Int64(); err != nil {
			return fmt.Errorf("%v is not an Integer", v)
		}
		return nil
	case "Float":
		return want[json.Number](v, typ)
	case "InputFile":
		return want[string](v, typ)
	}
	return s.checkObject(typ, v)
}

func want[T any](v any, typ string) error {
	if _, ok := v.(T); !ok {
		return fmt.Errorf("%v (%T) is not a %s", v, v, typ)
	}
	return nil
}

func (s *Spec) checkArray(elem string, v any) error {
	items, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%v is not an array of %s", v, elem)
	}
	for i, item := range items {
		if err := s.checkValue(elem, item, true); err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
	}
	return nil
}

// checkObject checks an object type: its known fields, required fields
// present, no others. An abstract type (one with subtypes) is satisfied
// by any of them.
func (s *Spec) checkObject(typ string, v any) error {
	t, ok := s.Types[typ]
	if !ok {
		return fmt.Errorf("type %q is not in the spec", typ)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%v is not a %s object", v, typ)
	}
	if len(t.Subtypes) > 0 {
		return s.checkSubtypes(t, v)
	}
	known := make(map[string]specField, len(t.Fields))
	for _, f := range t.Fields {
		known[f.Name] = f
		if _, there := obj[f.Name]; f.Required && !there {
			return fmt.Errorf("%s: field %q missing", typ, f.Name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		f, ok := known[name]
		if !ok {
			return fmt.Errorf("%s: unknown field %q", typ, name)
		}
		if err := s.checkParam(f, param{value: obj[name]}); err != nil {
			return fmt.Errorf("%s.%s: %w", typ, name, err)
		}
	}
	return nil
}

func (s *Spec) checkSubtypes(t specType, v any) error {
	var errs []error
	for _, sub := range t.Subtypes {
		err := s.checkObject(sub, v)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("%s: fits none of its kinds: %w", t.Name, errors.Join(errs...))
}

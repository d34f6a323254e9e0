package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/elmabot/elmabot/bot/internal/specs"
)

// SpecFile is the name of Discord's OpenAPI description under the specs
// folder.
const SpecFile = "discord-openapi.json"

// Spec is Discord's OpenAPI description, read for checking requests:
// which paths and methods exist, what their parameters and JSON bodies
// may hold.
type Spec struct {
	schemas map[string]any // components.schemas, by name
	routes  []Route

	mu       sync.Mutex
	patterns map[string]*regexp.Regexp
}

// Route is one operation of the API: a method on a templated path such
// as /channels/{channel_id}/messages.
type Route struct {
	Method   string
	Template string
	segments []string
	op       map[string]any
	params   []any // path-level and operation-level parameters
}

// String names the route as tests write it: "POST /channels/{channel_id}/messages".
func (r Route) String() string { return r.Method + " " + r.Template }

// LoadSpec reads the OpenAPI description from path.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("discordtest: %s: %w", path, err)
	}
	if len(doc.Paths) == 0 || len(doc.Components.Schemas) == 0 {
		return nil, fmt.Errorf("discordtest: %s: no paths or schemas", path)
	}
	s := &Spec{schemas: doc.Components.Schemas, patterns: map[string]*regexp.Regexp{}}
	for _, tmpl := range slices.Sorted(maps.Keys(doc.Paths)) {
		item := doc.Paths[tmpl]
		shared, _ := item["parameters"].([]any)
		for method, v := range item {
			op, ok := v.(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			own, _ := op["parameters"].([]any)
			s.routes = append(s.routes, Route{
				Method:   strings.ToUpper(method),
				Template: tmpl,
				segments: strings.Split(strings.Trim(tmpl, "/"), "/"),
				op:       op,
				params:   append(slices.Clone(shared), own...),
			})
		}
	}
	return s, nil
}

// FindSpec returns where the description is (see specs.Find).
func FindSpec() (string, error) { return specs.Find(SpecFile) }

// Match finds the route of a request path (without the /api/vN prefix)
// and returns the values of its path parameters. A literal segment beats
// a parameter, so /users/@me is not read as /users/{user_id}.
func (s *Spec) Match(method, path string) (Route, map[string]string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestLiterals := -1, -1
	for i, r := range s.routes {
		if r.Method != method || len(r.segments) != len(segs) {
			continue
		}
		literals, ok := matchSegments(r.segments, segs)
		if ok && literals > bestLiterals {
			best, bestLiterals = i, literals
		}
	}
	if best < 0 {
		return Route{}, nil, false
	}
	r := s.routes[best]
	values := map[string]string{}
	for i, seg := range r.segments {
		if name, ok := paramName(seg); ok {
			values[name] = segs[i]
		}
	}
	return r, values, true
}

func matchSegments(tmpl, segs []string) (literals int, ok bool) {
	for i, t := range tmpl {
		if _, isParam := paramName(t); isParam {
			if segs[i] == "" {
				return 0, false
			}
			continue
		}
		if t != segs[i] {
			return 0, false
		}
		literals++
	}
	return literals, true
}

func paramName(seg string) (string, bool) {
	if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// PathExists reports whether any method is defined on the path, to tell
// a wrong method from a wrong path.
func (s *Spec) PathExists(path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, r := range s.routes {
		if len(r.segments) == len(segs) {
			if _, ok := matchSegments(r.segments, segs); ok {
				return true
			}
		}
	}
	return false
}

// NeedsToken reports whether the route requires the bot token: its
// security list has no empty (anonymous) alternative.
func (r Route) NeedsToken() bool {
	sec, ok := r.op["security"].([]any)
	if !ok {
		return false
	}
	for _, alt := range sec {
		if m, ok := alt.(map[string]any); ok && len(m) == 0 {
			return false
		}
	}
	return true
}

// CheckRequest lists what is wrong with a request to route: path and
// query parameters that do not fit their schemas, unknown query
// parameters, and a JSON body that does not fit the request schema. An
// empty list means valid.
func (s *Spec) CheckRequest(r Route, path map[string]string, query map[string][]string, body []byte) []string {
	var problems []string
	problems = append(problems, s.checkParams(r, "path", path)...)
	flat := map[string]string{}
	for k, v := range query {
		if len(v) > 0 {
			flat[k] = v[0]
		}
	}
	problems = append(problems, s.checkParams(r, "query", flat)...)
	problems = append(problems, s.checkBody(r, body)...)
	for i, p := range problems {
		problems[i] = r.String() + ": " + p
	}
	return problems
}

// checkParams checks path or query parameters against their declared
// schemas; query parameters must be declared.
func (s *Spec) checkParams(r Route, in string, values map[string]string) []string {
	declared := map[string]map[string]any{}
	for _, p := range r.params {
		p := s.resolve(p)
		if p["in"] == in {
			name, _ := p["name"].(string)
			declared[name] = p
		}
	}
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(values)) {
		p, ok := declared[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("unknown %s parameter %q", in, name))
			continue
		}
		v := paramValue(s.resolve(p["schema"]), values[name])
		if errs := s.validate(p["schema"], v, in+" "+name, 0); len(errs) > 0 {
			problems = append(problems, errs...)
		}
	}
	for name, p := range declared {
		if _, there := values[name]; !there && p["required"] == true && in == "query" {
			problems = append(problems, fmt.Sprintf("required query parameter %q missing", name))
		}
	}
	return problems
}

// paramValue reads a textual parameter as the JSON value its schema
// expects, so "true" checks as a boolean and "5" as an integer.
func paramValue(schema map[string]any, text string) any {
	for _, t := range types(schema) {
		switch t {
		case "boolean":
			if b, err := strconv.ParseBool(text); err == nil {
				return b
			}
		case "integer", "number":
			if _, err := strconv.ParseFloat(text, 64); err == nil {
				return json.Number(text)
			}
		}
	}
	return text
}

// checkBody checks the JSON body against the operation's request schema.
func (s *Spec) checkBody(r Route, body []byte) []string {
	rb, _ := r.op["requestBody"].(map[string]any)
	empty := len(bytes.TrimSpace(body)) == 0
	if rb == nil {
		if !empty {
			return []string{"a body where the operation takes none"}
		}
		return nil
	}
	if empty {
		if rb["required"] == true {
			return []string{"request body missing"}
		}
		return nil
	}
	content, _ := rb["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	if media == nil {
		return []string{"the operation takes no JSON body"}
	}
	v, err := decodeJSON(body)
	if err != nil {
		return []string{"body is not JSON: " + err.Error()}
	}
	return s.validate(media["schema"], v, "body", 0)
}

// decodeJSON decodes one JSON value keeping numbers exact, so integers
// and fractions can be told apart.
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

// maxDepth stops a runaway walk; Discord's bodies nest a few levels.
const maxDepth = 64

// validate checks v against a JSON Schema (2020-12, the subset Discord's
// description uses) and lists the problems, each prefixed with where in
// the value it sits. An object schema with properties is taken as closed:
// a property it does not list is a problem unless additionalProperties
// allows it, so a misspelt field cannot pass unnoticed.
func (s *Spec) validate(schema any, v any, at string, depth int) []string {
	if depth > maxDepth {
		return []string{at + ": schema nests too deep"}
	}
	sc := s.resolve(schema)
	if sc == nil {
		return nil
	}
	var problems []string
	for _, sub := range list(sc["allOf"]) {
		problems = append(problems, s.validate(sub, v, at, depth+1)...)
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		if alts := list(sc[key]); len(alts) > 0 {
			problems = append(problems, s.anyOf(alts, v, at, depth)...)
		}
	}
	if ts := types(sc); len(ts) > 0 && !slices.ContainsFunc(ts, func(t string) bool { return isType(t, v) }) {
		return append(problems, fmt.Sprintf("%s: %s is not %s", at, describe(v), strings.Join(ts, " or ")))
	}
	if c, ok := sc["const"]; ok && !sameValue(c, v) {
		problems = append(problems, fmt.Sprintf("%s: %s is not %s", at, describe(v), describe(c)))
	}
	if e := list(sc["enum"]); len(e) > 0 && !slices.ContainsFunc(e, func(c any) bool { return sameValue(c, v) }) {
		problems = append(problems, fmt.Sprintf("%s: %s is not one of %s", at, describe(v), describe(e)))
	}
	switch val := v.(type) {
	case string:
		problems = append(problems, s.checkString(sc, val, at)...)
	case json.Number:
		problems = append(problems, checkNumber(sc, val, at)...)
	case []any:
		problems = append(problems, s.checkArray(sc, val, at, depth)...)
	case map[string]any:
		problems = append(problems, s.checkObject(sc, val, at, depth)...)
	}
	return problems
}

// anyOf accepts v when one alternative takes it. Discord marks its
// discriminated unions oneOf, and their alternatives never overlap, so
// "at least one" is the same test there.
func (s *Spec) anyOf(alts []any, v any, at string, depth int) []string {
	var first []string
	for _, alt := range alts {
		errs := s.validate(alt, v, at, depth+1)
		if len(errs) == 0 {
			return nil
		}
		if first == nil || len(errs) < len(first) {
			first = errs
		}
	}
	return []string{fmt.Sprintf("%s: fits none of %d alternatives; closest: %s", at, len(alts), strings.Join(first, "; "))}
}

func (s *Spec) checkString(sc map[string]any, v, at string) []string {
	var problems []string
	n := utf8.RuneCountInString(v)
	if limit, ok := intKeyword(sc, "maxLength"); ok && n > limit {
		problems = append(problems, fmt.Sprintf("%s: %d characters, at most %d allowed", at, n, limit))
	}
	if limit, ok := intKeyword(sc, "minLength"); ok && n < limit {
		problems = append(problems, fmt.Sprintf("%s: %d characters, at least %d needed", at, n, limit))
	}
	if sc["format"] == "date-time" {
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %q is not a date-time (RFC 3339)", at, v))
		}
	}
	if p, ok := sc["pattern"].(string); ok {
		re, err := s.pattern(p)
		if err == nil && !re.MatchString(v) {
			problems = append(problems, fmt.Sprintf("%s: %q does not match %s", at, v, p))
		}
	}
	return problems
}

func checkNumber(sc map[string]any, v json.Number, at string) []string {
	var problems []string
	x, ok := new(big.Float).SetString(v.String())
	if !ok {
		return []string{fmt.Sprintf("%s: %s is not a number", at, v)}
	}
	if limit, ok := bigKeyword(sc, "maximum"); ok && x.Cmp(limit) > 0 {
		problems = append(problems, fmt.Sprintf("%s: %s is above %s", at, v, limit.String()))
	}
	if limit, ok := bigKeyword(sc, "minimum"); ok && x.Cmp(limit) < 0 {
		problems = append(problems, fmt.Sprintf("%s: %s is below %s", at, v, limit.String()))
	}
	return problems
}

func (s *Spec) checkArray(sc map[string]any, v []any, at string, depth int) []string {
	var problems []string
	if limit, ok := intKeyword(sc, "maxItems"); ok && len(v) > limit {
		problems = append(problems, fmt.Sprintf("%s: %d items, at most %d allowed", at, len(v), limit))
	}
	if limit, ok := intKeyword(sc, "minItems"); ok && len(v) < limit {
		problems = append(problems, fmt.Sprintf("%s: %d items, at least %d needed", at, len(v), limit))
	}
	if items, ok := sc["items"]; ok {
		for i, item := range v {
			problems = append(problems, s.validate(items, item, fmt.Sprintf("%s[%d]", at, i), depth+1)...)
		}
	}
	return problems
}

func (s *Spec) checkObject(sc map[string]any, v map[string]any, at string, depth int) []string {
	var problems []string
	props, hasProps := sc["properties"].(map[string]any)
	for _, name := range list(sc["required"]) {
		if n, ok := name.(string); ok {
			if _, there := v[n]; !there {
				problems = append(problems, fmt.Sprintf("%s: required property %q missing", at, n))
			}
		}
	}
	if limit, ok := intKeyword(sc, "maxProperties"); ok && len(v) > limit {
		problems = append(problems, fmt.Sprintf("%s: %d properties, at most %d allowed", at, len(v), limit))
	}
	extra, hasExtra := sc["additionalProperties"]
	for _, name := range slices.Sorted(maps.Keys(v)) {
		where := at + "." + name
		if p, ok := props[name]; ok {
			problems = append(problems, s.validate(p, v[name], where, depth+1)...)
			continue
		}
		switch {
		case hasExtra && extra == false:
			problems = append(problems, fmt.Sprintf("%s: unknown property", where))
		case hasExtra && extra != true:
			problems = append(problems, s.validate(extra, v[name], where, depth+1)...)
		case !hasExtra && hasProps:
			problems = append(problems, fmt.Sprintf("%s: unknown property", where))
		}
	}
	return problems
}

// resolve follows $ref (only local ones, #/components/schemas/Name) and
// returns the schema object; nil for a missing or true schema.
func (s *Spec) resolve(schema any) map[string]any {
	for range maxDepth {
		m, ok := schema.(map[string]any)
		if !ok {
			return nil
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		name, found := strings.CutPrefix(ref, "#/components/schemas/")
		if !found {
			return nil
		}
		schema = s.schemas[name]
	}
	return nil
}

func (s *Spec) pattern(p string) (*regexp.Regexp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if re, ok := s.patterns[p]; ok {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	s.patterns[p] = re
	return re, nil
}

// types lists a schema's "type", which may be one name or several.
func types(sc map[string]any) []string {
	switch t := sc["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func isType(t string, v any) bool {
	switch t {
	case "null":
		return v == nil
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		_, isInt := new(big.Int).SetString(n.String(), 10)
		return isInt
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

// sameValue compares JSON values, numbers by value.
func sameValue(a, b any) bool {
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok && bok {
		x, _ := new(big.Float).SetString(an.String())
		y, _ := new(big.Float).SetString(bn.String())
		return x != nil && y != nil && x.Cmp(y) == 0
	}
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	return bytes.Equal(aj, bj)
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func intKeyword(sc map[string]any, key string) (int, bool) {
	n, ok := sc[key].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}

func bigKeyword(sc map[string]any, key string) (*big.Float, bool) {
	n, ok := sc[key].(json.Number)
	if !ok {
		return nil, false
	}
	f, ok := new(big.Float).SetString(n.String())
	return f, ok
}

func describe(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

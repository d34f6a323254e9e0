package discordtest

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/elmabot/elmabot/bot/internal/upload"
)

// File is a file the bot attached to a request.
type File struct {
	Field       string // the form field, "files[0]"
	Name        string
	ContentType string
	Data        []byte
}

// maxUpload bounds what the server reads of one multipart request.
const maxUpload = 32 << 20

// readBody reads a request's JSON: the body itself, or the payload_json
// field of a multipart request, whose files come back beside it.
func readBody(r *http.Request) ([]byte, []File, error) {
	ctype, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ctype != "multipart/form-data" {
		body, err := io.ReadAll(r.Body)
		return body, nil, err
	}
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		return nil, nil, err
	}
	var body []byte
	if v := r.MultipartForm.Value["payload_json"]; len(v) > 0 {
		body = []byte(v[0])
	}
	var files []File
	for field, headers := range r.MultipartForm.File {
		for _, h := range headers {
			data, err := upload.Read(h)
			if err != nil {
				return nil, nil, err
			}
			files = append(files, File{Field: field, Name: h.Filename, ContentType: h.Header.Get("Content-Type"), Data: data})
		}
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Field, b.Field) })
	return body, files, nil
}

// CheckFiles checks uploads against the operation's multipart schema:
// the operation must take multipart bodies, and each file must sit in a
// field the schema names (files[0] to files[9] for a message).
func (s *Spec) CheckFiles(r Route, files []File) []string {
	if len(files) == 0 {
		return nil
	}
	rb, _ := r.op["requestBody"].(map[string]any)
	content, _ := rb["content"].(map[string]any)
	media, _ := content["multipart/form-data"].(map[string]any)
	if media == nil {
		return []string{r.String() + ": files sent to an operation that takes no multipart body"}
	}
	fields := s.multipartFields(media["schema"])
	var problems []string
	for _, f := range files {
		if !fields[f.Field] {
			problems = append(problems, fmt.Sprintf("%s: file in field %q, which the multipart body does not have", r.String(), f.Field))
		}
		if len(f.Data) == 0 || f.Name == "" {
			problems = append(problems, fmt.Sprintf("%s: field %q: an empty or nameless file", r.String(), f.Field))
		}
	}
	return problems
}

// multipartFields lists the binary properties of a multipart schema,
// looking through allOf and references.
func (s *Spec) multipartFields(schema any) map[string]bool {
	out := map[string]bool{}
	obj := s.resolve(schema)
	if all, ok := obj["allOf"].([]any); ok {
		for _, part := range all {
			for k := range s.multipartFields(part) {
				out[k] = true
			}
		}
	}
	props, _ := obj["properties"].(map[string]any)
	for name, p := range props {
		if pm := s.resolve(p); pm["contentEncoding"] == "binary" || pm["format"] == "binary" {
			out[name] = true
		}
	}
	return out
}

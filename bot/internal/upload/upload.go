// Package upload reads the files of a multipart request, for the fake
// platform servers, which keep what the bot uploaded for tests to check.
package upload

import (
	"io"
	"mime/multipart"
)

// Read returns the whole content of one uploaded file.
func Read(h *multipart.FileHeader) ([]byte, error) {
	f, err := h.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

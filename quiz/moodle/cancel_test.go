package moodle

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/elmabot/elmabot/locales"
)

// cancelAfter cancels its context once n bytes have been read: a signal
// arriving in the middle of a parse.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), 512)])
	if c.n -= n; c.n <= 0 {
		c.cancel()
	}
	return n, err
}

func TestParseStopsWhenCancelled(t *testing.T) {
	xmlData := largeXML(1 << 20)
	gift := bytes.Repeat([]byte("::Q::Wet? {T}\n\n"), 1<<16)
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"export.xml", xmlData, "moodle xml: stopped at line "},
		{"export.gift", gift, "gift: stopped at line "},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		r := &cancelAfter{r: bytes.NewReader(tt.data), n: len(tt.data) / 2, cancel: cancel}
		res, err := ParseContext(ctx, tt.name, r, locales.EN)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), tt.want) || len(res.Questions) != 0 {
			t.Errorf("%s: %d questions, %v", tt.name, len(res.Questions), err)
		}
		cancel()
	}
}

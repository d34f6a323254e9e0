package analytics

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image/png"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// DataKeyword names the PNG iTXt chunk holding a figure's numbers.
const DataKeyword = "elmabot-data"

// ErrNoData: the PNG carries no numbers of this package.
var ErrNoData = errors.New("analytics: no figure data in the PNG")

// PNG draws the charts one under another into a PNG image and puts
// their numbers into it (see Data). Drawing is deterministic: the same
// charts give the same bytes.
func PNG(charts ...Chart) ([]byte, error) {
	if len(charts) == 0 {
		return nil, errors.New("analytics: a figure needs a chart")
	}
	panels := make([]*panel, len(charts))
	var height vg.Length
	for i, c := range charts {
		p, err := c.panel()
		if err != nil {
			return nil, err
		}
		panels[i] = p
		height += p.height
	}
	img := vgimg.NewWith(vgimg.UseWH(figureWidth, height), vgimg.UseDPI(dpi))
	top := height
	for _, p := range panels {
		area := vg.Rectangle{Min: vg.Point{X: margin, Y: top - p.height + margin}, Max: vg.Point{X: figureWidth - 2*margin, Y: top - margin}}
		p.plot.Draw(draw.Canvas{Canvas: img, Rectangle: area})
		top -= p.height
	}
	var buf bytes.Buffer
	// Fast compression: half the cost of a figure was zlib's default
	// level, for files hardly smaller.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img.Image()); err != nil {
		return nil, err
	}
	data, err := json.Marshal(charts)
	if err != nil {
		return nil, err
	}
	return withText(buf.Bytes(), DataKeyword, data)
}

// Drawn is one chart of a figure as Data reads it back: Title and
// Counts for Bars; Title, Rows and Series for Stacked.
type Drawn struct {
	Title  string   `json:"title"`
	Counts []Count  `json:"counts"`
	Rows   []string `json:"rows"`
	Series []Series `json:"series"`
}

// Data reads the numbers a PNG made by PNG carries, chart by chart.
func Data(png []byte) ([]Drawn, error) {
	text, err := readText(png, DataKeyword)
	if err != nil {
		return nil, err
	}
	var out []Drawn
	return out, json.Unmarshal(text, &out)
}

// pngSignature starts every PNG file; the IHDR chunk (8+13+4 bytes)
// follows it.
const (
	pngSignature = "\x89PNG\r\n\x1a\n"
	ihdrEnd      = len(pngSignature) + 8 + 13 + 4
)

// withText inserts an uncompressed iTXt chunk (UTF-8 text, as labels
// may hold accents) right after IHDR, where the PNG specification
// allows it.
func withText(png []byte, keyword string, text []byte) ([]byte, error) {
	if len(png) < ihdrEnd || string(png[:len(pngSignature)]) != pngSignature {
		return nil, errors.New("analytics: not a PNG")
	}
	// keyword, NUL, compression flag and method (0: none), empty
	// language tag and translated keyword (NUL each), then the text.
	body := append([]byte(keyword), 0, 0, 0, 0, 0)
	body = append(body, text...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	chunk = append(chunk, "iTXt"...)
	chunk = append(chunk, body...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(png)+len(chunk))
	out = append(out, png[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, png[ihdrEnd:]...), nil
}

// readText finds the iTXt chunk with keyword and returns its text.
func readText(png []byte, keyword string) ([]byte, error) {
	if len(png) < len(pngSignature) || string(png[:len(pngSignature)]) != pngSignature {
		return nil, errors.New("analytics: not a PNG")
	}
	prefix := append([]byte(keyword), 0, 0, 0, 0, 0)
	for rest := png[len(pngSignature):]; len(rest) >= 12; {
		n := int(binary.BigEndian.Uint32(rest))
		if n < 0 || 12+n > len(rest) {
			return nil, errors.New("analytics: truncated PNG chunk")
		}
		kind, body := string(rest[4:8]), rest[8:8+n]
		if kind == "iTXt" && bytes.HasPrefix(body, prefix) {
			return body[len(prefix):], nil
		}
		rest = rest[12+n:]
	}
	return nil, ErrNoData
}

// Package imagebomb writes hostile pictures for tests: small files that
// claim huge canvases or unpack into far more memory than their size, as
// a trainee could send them to the contest.
package imagebomb

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
)

// ProgressiveJPEG is a valid progressive JPEG of w×h with one DC scan
// whose every block is zero: a few bits a block, so a 6000×6000 CMYK
// file is about 560 KB, yet Go's decoder keeps every coefficient of
// every block (256 bytes a block and component) until the end. cmyk
// gives four components with an Adobe marker (Go decodes it as CMYK),
// else three at 4:2:0 (an ordinary colour photo). Without the end
// marker (truncated), decoding fails after allocating it all.
func ProgressiveJPEG(w, h int, cmyk, truncated bool) []byte {
	var b bytes.Buffer
	seg := func(marker byte, payload []byte) {
		b.Write([]byte{0xFF, marker})
		_ = binary.Write(&b, binary.BigEndian, uint16(len(payload)+2))
		b.Write(payload)
	}
	b.Write([]byte{0xFF, 0xD8})
	type comp struct{ id, hv byte }
	comps := []comp{{1, 0x22}, {2, 0x11}, {3, 0x11}}
	if cmyk {
		comps = []comp{{1, 0x11}, {2, 0x11}, {3, 0x11}, {4, 0x11}}
		// Adobe APP14, transform 0: the four components are CMYK.
		seg(0xEE, []byte{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0})
	}
	dqt := append([]byte{0}, bytes.Repeat([]byte{1}, 64)...)
	seg(0xDB, dqt)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(comps))}
	for _, c := range comps {
		sof = append(sof, c.id, c.hv, 0)
	}
	seg(0xC2, sof)
	// One DC code, of length 1, for category 0 (no change from the last
	// block): a zero bit per block.
	dht := make([]byte, 1+16+1)
	dht[1] = 1
	seg(0xC4, dht)
	sos := []byte{byte(len(comps))}
	for _, c := range comps {
		sos = append(sos, c.id, 0x00)
	}
	sos = append(sos, 0, 0, 0)
	seg(0xDA, sos)
	hmax, vmax := 1, 1
	if !cmyk {
		hmax, vmax = 2, 2
	}
	mcus := ((w + 8*hmax - 1) / (8 * hmax)) * ((h + 8*vmax - 1) / (8 * vmax))
	perMCU := 0
	for _, c := range comps {
		perMCU += int(c.hv>>4) * int(c.hv&0x0F)
	}
	bits := mcus * perMCU
	b.Write(make([]byte, (bits+7)/8)) // zero bits; the last byte's padding too
	if !truncated {
		b.Write([]byte{0xFF, 0xD9})
	}
	return b.Bytes()
}

// uniform16 is a w×h picture of one 16-bit colour with alpha, so the PNG
// encoder writes 16 bits a channel without a full-size image in memory.
type uniform16 struct{ w, h int }

func (u uniform16) ColorModel() color.Model { return color.NRGBA64Model }
func (u uniform16) Bounds() image.Rectangle { return image.Rect(0, 0, u.w, u.h) }
func (u uniform16) At(x, y int) color.Color {
	return color.NRGBA64{R: 0x8000, G: 0x4000, B: 0x2000, A: 0x8001}
}

// PNG16 is a w×h 16-bit RGBA PNG of one colour: it compresses to a
// thousandth of the 8 bytes a pixel the decoder allocates.
func PNG16(w, h int) []byte {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, uniform16{w, h}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// HugePNG is a PNG whose header claims w×h pixels, followed by nothing
// that decodes: only the dimensions are hostile.
func HugePNG(w, h int) []byte {
	var b bytes.Buffer
	b.Write([]byte("\x89PNG\r\n\x1a\n"))
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc(chunk))
	return b.Bytes()
}

func crc(p []byte) uint32 {
	c := ^uint32(0)
	for _, x := range p {
		c ^= uint32(x)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ 0xEDB88320
			} else {
				c >>= 1
			}
		}
	}
	return ^c
}

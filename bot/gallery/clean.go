package gallery

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // entries sent as documents may be PNG

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // and a few clients send WebP

	"github.com/cohortbot/cohortbot/bot"
)

const (
	// maxSide is the long side of a served photo: a projector's width.
	maxSide = 1920
	// jpegQuality keeps photos sharp on a big screen at a fraction of the
	// original's size.
	jpegQuality = 88
)

// errNotImage is returned for a file that is not a photo we can decode
// within the budget: such a file is remembered and never decoded again.
var errNotImage = errors.New("not a photo that can be shown")

// clean decodes a photo and encodes it again as a JPEG, so that nothing of
// the original file but its pixels survives: no EXIF, no GPS position, no
// camera serial, no comment, no XMP. A JPEG's EXIF orientation is applied
// to the pixels first, since the tag that told viewers to rotate is gone.
// Photos larger than side are scaled down; transparency becomes white.
//
// The caller has checked the picture with bot.CheckImage and holds its
// cost in the decoding budget.
func clean(raw []byte, side int) ([]byte, error) {
	info, err := bot.CheckImage(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotImage, err)
	}
	format := info.Format
	src, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errNotImage, err)
	}
	img := fit(src, side)
	if format == "jpeg" {
		img = orient(img, exifOrientation(raw))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}

// fit draws src over white into a new RGBA image whose long side is at
// most side. A large photo is first shrunk by an integer factor, averaging
// blocks band by band (cheap, no aliasing, never a second full-size copy),
// and the rest of the way (less than half) bilinearly. Not with a kernel
// such as Catmull-Rom: golang.org/x/image's kernel scaler keeps 32 bytes
// for every destination column and source row (172 MB from 2,800 rows
// to 1,920 columns), beyond any decoding budget.
func fit(src image.Image, side int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > side {
		if k := long / side; k >= 2 {
			src = shrink(src, k)
			b = src.Bounds()
		}
		if w >= h {
			w, h = side, max(1, (h*side+w/2)/w)
		} else {
			w, h = max(1, (w*side+h/2)/h), side
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Rect, src, b.Min, draw.Src)
	} else {
		draw.ApproxBiLinear.Scale(dst, dst.Rect, src, b, draw.Src, nil)
	}
	// Over white: the pixels are premultiplied, so white shows through by
	// what alpha leaves.
	for i := 0; i < len(dst.Pix); i += 4 {
		p := dst.Pix[i : i+4 : i+4]
		rest := 255 - p[3]
		p[0], p[1], p[2], p[3] = p[0]+rest, p[1]+rest, p[2]+rest, 255
	}
	return dst
}

// shrink averages k×k blocks of src (the last partial row and column of
// blocks are dropped).
func shrink(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	band := image.NewRGBA(image.Rect(0, 0, w*k, k))
	sums := make([]uint32, w*4)
	n := uint32(k * k)
	for y := range h {
		draw.Draw(band, band.Rect, src, image.Pt(b.Min.X, b.Min.Y+y*k), draw.Src)
		clear(sums)
		for r := range k {
			row := band.Pix[r*band.Stride : r*band.Stride+w*k*4]
			for x := range w * k {
				s := sums[x/k*4 : x/k*4+4 : x/k*4+4]
				p := row[x*4 : x*4+4 : x*4+4]
				s[0] += uint32(p[0])
				s[1] += uint32(p[1])
				s[2] += uint32(p[2])
				s[3] += uint32(p[3])
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		for i, v := range sums {
			out[i] = uint8((v + n/2) / n)
		}
	}
	return dst
}

// orient turns the pixels the way EXIF orientation o (1 to 8) says a
// viewer should show them.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		row := src.Pix[y*src.Stride:]
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // turned left: rotate 90° clockwise
				dx, dy = h-1-y, x
			case 7: // transverse
				dx, dy = h-1-y, w-1-x
			case 8: // turned right: rotate 90° counter-clockwise
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dy*dst.Stride+dx*4:][:4], row[x*4:][:4])
		}
	}
	return dst
}

// exifOrientation reads the orientation tag of a JPEG's Exif segment; 1
// (as stored) when there is none or it cannot be read.
func exifOrientation(jpg []byte) int {
	if len(jpg) < 4 || jpg[0] != 0xFF || jpg[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(jpg); {
		if jpg[i] != 0xFF {
			return 1
		}
		marker := jpg[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8: // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // image data: no Exif after it
			return 1
		}
		n := int(binary.BigEndian.Uint16(jpg[i+2:]))
		if n < 2 || i+2+n > len(jpg) {
			return 1
		}
		if seg := jpg[i+4 : i+2+n]; marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation finds tag 0x0112 in IFD0 of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(t[2:]) != 42 {
		return 1
	}
	off := uint64(order.Uint32(t[4:]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 1
	}
	count := int(order.Uint16(t[off:]))
	for k := range count {
		e := int(off) + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		const tagOrientation, typeShort = 0x0112, 3
		if order.Uint16(t[e:]) == tagOrientation && order.Uint16(t[e+2:]) == typeShort {
			if v := int(order.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

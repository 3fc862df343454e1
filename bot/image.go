package bot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // the formats a contest photo may come in
	_ "image/png"

	_ "golang.org/x/image/webp"
)

// Files from users are hostile until checked: a picture's format and
// dimensions are read from its bytes (image.DecodeConfig, never the name
// or the declared type), and what decoding it would cost in memory is
// estimated from the format, the dimensions and the colour model, so a
// small file that unpacks into a gigabyte is refused before it is decoded.

// DecodeBudget is the most memory one picture may take to decode and
// re-encode. A 12-megapixel phone photo, baseline or progressive, fits; a
// progressive CMYK JPEG or a 16-bit PNG of the same size does not.
const DecodeBudget = 128 << 20

// maxImagePixels and maxImageSide refuse canvases no photo has, whatever
// the budget says.
const (
	maxImagePixels = 40_000_000
	maxImageSide   = 16_384
)

// Errors of CheckImage.
var (
	// ErrNotImage: the bytes are not a JPEG, PNG or WebP picture.
	ErrNotImage = errors.New("not a jpeg, png or webp image")
	// ErrImageTooCostly: the picture is one, but decoding it would take
	// more than DecodeBudget.
	ErrImageTooCostly = errors.New("image too large to decode")
)

// ImageInfo is what a picture's bytes say about it.
type ImageInfo struct {
	Format        string // "jpeg", "png" or "webp"
	Width, Height int
	// Cost is the estimated peak memory, in bytes, of decoding the picture
	// and scaling it to a projector's size.
	Cost int64
}

// CheckImage reads a picture's header and estimates what decoding it
// costs. It fails with ErrNotImage or ErrImageTooCostly (wrapped).
func CheckImage(raw []byte) (ImageInfo, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return ImageInfo{}, fmt.Errorf("%w: %v", ErrNotImage, err)
	}
	info := ImageInfo{Format: format, Width: cfg.Width, Height: cfg.Height}
	if format != "jpeg" && format != "png" && format != "webp" {
		return info, fmt.Errorf("%w: %s", ErrNotImage, format)
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 || w > maxImageSide || h > maxImageSide || w*h > maxImagePixels {
		return info, fmt.Errorf("%w: %dx%d", ErrImageTooCostly, w, h)
	}
	px := w * h
	var cost int64
	switch format {
	case "jpeg":
		cost = jpegCost(raw, w, h)
	case "png":
		cost = px * pngBytesPerPixel(cfg.ColorModel)
		if pngInterlaced(raw) {
			cost *= 2 // each pass is decoded apart, then copied
		}
	case "webp":
		cost = px * 5 // lossless NRGBA, or lossy YCbCr with alpha, and a margin
	}
	// Scaling: an RGBA copy at most a quarter of the pixels (the block
	// average halves each side at least) and the projector-sized result.
	cost += px + 2*1920*1920*4
	info.Cost = cost
	if cost > DecodeBudget {
		return info, fmt.Errorf("%w: %s %dx%d needs about %d MB", ErrImageTooCostly, format, w, h, cost>>20)
	}
	return info, nil
}

// pngBytesPerPixel is the size of a pixel of the image Go's PNG decoder
// allocates for a colour model.
func pngBytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.RGBAModel, color.NRGBAModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8
}

// pngInterlaced reads the interlace method of a PNG's IHDR chunk.
func pngInterlaced(raw []byte) bool { return len(raw) > 28 && raw[28] == 1 }

// jpegCost estimates the memory Go's JPEG decoder takes: a plane per
// component at its sampling, and, for a progressive file, every DCT
// coefficient as an int32 (256 bytes per 8×8 block) kept until the end; a
// four-component (CMYK) file is converted into a new CMYK image. An
// unreadable frame header costs as if it were the worst case.
func jpegCost(raw []byte, w, h int64) int64 {
	progressive, comps, ok := jpegFrame(raw)
	if !ok {
		return w * h * (4*4 + 4 + 4)
	}
	hmax, vmax := int64(1), int64(1)
	for _, c := range comps {
		hmax, vmax = max(hmax, int64(c[0])), max(vmax, int64(c[1]))
	}
	// MCUs cover the image rounded up to whole blocks.
	mcuW, mcuH := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	var cost int64
	for _, c := range comps {
		blocks := mcuW * mcuH * int64(c[0]) * int64(c[1])
		cost += blocks * 64 // the component's plane
		if progressive {
			cost += blocks * 256
		}
	}
	if len(comps) == 4 {
		cost += w * h * 4
	}
	return cost
}

// jpegFrame finds a JPEG's start-of-frame segment: whether it is
// progressive, and each component's horizontal and vertical sampling
// factors.
func jpegFrame(raw []byte) (progressive bool, comps [][2]byte, ok bool) {
	if len(raw) < 4 || raw[0] != 0xFF || raw[1] != 0xD8 {
		return false, nil, false
	}
	for i := 2; i+4 <= len(raw); {
		if raw[i] != 0xFF {
			return false, nil, false
		}
		marker := raw[i+1]
		switch {
		case marker == 0xFF:
			i++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8:
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9:
			return false, nil, false
		}
		n := int(binary.BigEndian.Uint16(raw[i+2:]))
		if n < 2 || i+2+n > len(raw) {
			return false, nil, false
		}
		seg := raw[i+4 : i+2+n]
		if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
			if len(seg) < 6 {
				return false, nil, false
			}
			nc := int(seg[5])
			if nc < 1 || nc > 4 || len(seg) < 6+3*nc {
				return false, nil, false
			}
			for k := range nc {
				hv := seg[6+3*k+1]
				hs, vs := hv>>4, hv&0x0F
				if hs < 1 || hs > 4 || vs < 1 || vs > 4 {
					return false, nil, false
				}
				comps = append(comps, [2]byte{hs, vs})
			}
			return marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE, comps, true
		}
		i += 2 + n
	}
	return false, nil, false
}

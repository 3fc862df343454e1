package bot_test

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"runtime"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/internal/imagebomb"
)

func TestCheckImage(t *testing.T) {
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, image.NewRGBA(image.Rect(0, 0, 4000, 3000)), nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		raw  []byte
		want error
	}{
		{"12 megapixel photo", photo.Bytes(), nil},
		{"progressive photo", imagebomb.ProgressiveJPEG(2800, 2800, false, false), nil},
		{"progressive cmyk bomb", imagebomb.ProgressiveJPEG(6000, 6000, true, false), bot.ErrImageTooCostly},
		{"16-bit png bomb", imagebomb.PNG16(5000, 5000), bot.ErrImageTooCostly},
		{"16-bit png that fits", imagebomb.PNG16(2000, 2000), nil},
		{"huge canvas", imagebomb.HugePNG(100_000, 100_000), bot.ErrImageTooCostly},
		{"pdf", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), bot.ErrNotImage},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), bot.ErrNotImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := bot.CheckImage(tt.raw)
			if !errors.Is(err, tt.want) {
				t.Fatalf("CheckImage(%d bytes) = %+v, %v; want %v", len(tt.raw), info, err, tt.want)
			}
			if err != nil || testing.Short() {
				return
			}
			// The estimate covers what decoding really allocates.
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			if _, _, err := image.Decode(bytes.NewReader(tt.raw)); err != nil {
				t.Fatalf("decode: %v", err)
			}
			runtime.ReadMemStats(&after)
			if got := int64(after.TotalAlloc - before.TotalAlloc); got > info.Cost {
				t.Errorf("decoding allocated %d MB, estimated %d MB", got>>20, info.Cost>>20)
			} else {
				t.Logf("%s: %d bytes, decode allocated %d MB of %d MB estimated", tt.name, len(tt.raw), got>>20, info.Cost>>20)
			}
		})
	}
}

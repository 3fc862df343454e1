package gallery

import (
	"bytes"
	"testing"
)

func TestLRUEvictsLeastRecentlyUsed(t *testing.T) {
	c := newLRU(10)
	c.add("a", []byte("aaaa"))
	c.add("b", []byte("bbbb"))
	if _, ok := c.get("a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	c.add("c", []byte("cccc")) // 12 bytes: b goes
	if _, ok := c.get("b"); ok {
		t.Error("b kept, want it evicted as least recently used")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s evicted", k)
		}
	}
	if got := c.bytes(); got != 8 {
		t.Errorf("bytes = %d, want 8", got)
	}
	c.add("a", []byte("AAAAAA")) // replacing counts the new size only
	if got, _ := c.get("a"); !bytes.Equal(got, []byte("AAAAAA")) || c.bytes() != 10 {
		t.Errorf("after replace: a = %q, bytes = %d; want AAAAAA, 10", got, c.bytes())
	}
	c.add("huge", make([]byte, 11))
	if _, ok := c.get("huge"); ok || c.bytes() != 10 {
		t.Errorf("a value larger than the cache was kept (bytes %d)", c.bytes())
	}
}

func FuzzExifOrientation(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x22Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x22Exif\x00\x00MM\x00*\xff\xff\xff\xf0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Errorf("orientation %d", o)
		}
	})
}

func TestExifOrientationSeed(t *testing.T) {
	jpg := []byte("\xff\xd8\xff\xe1\x00\x22Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00")
	if got := exifOrientation(jpg); got != 6 {
		t.Errorf("exifOrientation = %d, want 6", got)
	}
}

package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestServeGalleryRoutes checks that `serve` mounts the gallery (bot/gallery
// tests the page itself): the page, the JSON and the media answer behind
// the view key, and a wrong key gets the same 404 as an unknown path.
func TestServeGalleryRoutes(t *testing.T) {
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	srv := e.serve()
	get := func(path string) (int, http.Header, string) {
		t.Helper()
		resp, err := http.Get(srv.url(path))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header, string(body)
	}
	key := "?key=" + c.ViewKey

	code, hdr, page := get("/c/" + c.ID + "/gallery" + key)
	if code != http.StatusOK || !strings.Contains(page, "Bảng xếp hạng") || !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("page: %d %q\n%.300s", code, hdr.Get("Content-Security-Policy"), page)
	}
	if strings.Contains(page, e.tg.Token()) {
		t.Error("page contains the bot token")
	}
	code, hdr, body := get("/api/c/" + c.ID + "/leaderboard" + key)
	if code != http.StatusOK || hdr.Get("Content-Type") != "application/json; charset=utf-8" || !strings.Contains(body, `"photos":[]`) {
		t.Errorf("leaderboard: %d %q %s", code, hdr.Get("Content-Type"), body)
	}

	_, _, unknown := get("/no/such/page")
	for _, path := range []string{
		"/c/" + c.ID + "/gallery?key=wrong",
		"/api/c/" + c.ID + "/leaderboard",
		"/c/" + c.ID + "/media/1" + key, // no such entry
		"/c/nosuchcohort/gallery" + key,
	} {
		if code, _, body := get(path); code != http.StatusNotFound || body != unknown {
			t.Errorf("%s: %d %q, want 404 %q", path, code, body, unknown)
		}
	}
}

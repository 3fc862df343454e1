// Package web is cohortbot's HTTP server: health and readiness probes,
// Prometheus metrics and the platforms' webhooks. Later features (the
// gallery, certificate verification) mount their pages here.
package web

import (
	"context"
	"net/http"
	"time"
)

// Routes are what the server serves.
type Routes struct {
	// Ready reports whether the bot can work (Redis answers).
	Ready   func(ctx context.Context) error
	Metrics http.Handler
	// Extra maps patterns (net/http ServeMux syntax) to handlers: webhooks,
	// pages.
	Extra map[string]http.Handler
}

// Handler builds the mux.
func Handler(r Routes) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if r.Ready != nil {
			if err := r.Ready(ctx); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte("redis unavailable\n"))
				return
			}
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	if r.Metrics != nil {
		mux.Handle("GET /metrics", r.Metrics)
	}
	for pattern, h := range r.Extra {
		mux.Handle(pattern, h)
	}
	return mux
}

// Server returns an http.Server with timeouts fit for the internet.
func Server(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
}

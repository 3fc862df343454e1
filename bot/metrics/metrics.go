// Package metrics measures cohortbot with Prometheus: updates handled by
// kind, handler latency, errors, and sends by result. Its registry is its
// own (no global state), served by Handler.
package metrics

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cohortbot/cohortbot/bot"
)

// Metrics holds the collectors.
type Metrics struct {
	reg     *prometheus.Registry
	updates *prometheus.CounterVec
	latency *prometheus.HistogramVec
	errors  *prometheus.CounterVec
	sends   *prometheus.CounterVec
}

// New registers the collectors, plus Go and process metrics.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cohortbot_updates_total", Help: "Updates handled, by kind.",
		}, []string{"kind"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cohortbot_handler_seconds", Help: "Time to handle one update, by kind.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"kind"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cohortbot_update_errors_total", Help: "Updates that could not be handled and will be retried, by kind.",
		}, []string{"kind"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cohortbot_sends_total", Help: "Messages sent to platforms, by platform and result.",
		}, []string{"platform", "result"}),
	}
	m.reg.MustRegister(m.updates, m.latency, m.errors, m.sends,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handled implements bot.Observer.
func (m *Metrics) Handled(kind bot.Kind, d time.Duration, err error) {
	k := string(kind)
	m.updates.WithLabelValues(k).Inc()
	m.latency.WithLabelValues(k).Observe(d.Seconds())
	if err != nil {
		m.errors.WithLabelValues(k).Inc()
	}
}

// Sent counts one send by its result.
func (m *Metrics) Sent(p bot.Platform, err error) {
	m.sends.WithLabelValues(string(p), Result(err)).Inc()
}

// Result classifies a send's error: ok, unreachable, rate_limited,
// temporary or failed.
func Result(err error) string {
	if err == nil {
		return "ok"
	}
	var c interface {
		Unreachable() bool
		Temporary() bool
	}
	if errors.As(err, &c) {
		switch {
		case c.Unreachable():
			return "unreachable"
		case c.Temporary():
			var r interface{ RateLimited() bool }
			if errors.As(err, &r) && r.RateLimited() {
				return "rate_limited"
			}
			return "temporary"
		}
	}
	return "failed"
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry lets other packages register their collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Sender wraps a sender so every send is counted.
func (m *Metrics) Sender(p bot.Platform, s bot.Sender) bot.Sender { return counted{m, p, s} }

type counted struct {
	m *Metrics
	p bot.Platform
	s bot.Sender
}

func (c counted) Send(ctx context.Context, msg bot.Message) (bot.Sent, error) {
	sent, err := c.s.Send(ctx, msg)
	c.m.Sent(c.p, err)
	return sent, err
}

func (c counted) Answer(ctx context.Context, a bot.Answer) error { return c.s.Answer(ctx, a) }

// Split passes the platform's parts through (delivery.Splitter), so that
// each part is paced and counted on its own.
func (c counted) Split(msg bot.Message) []bot.Message {
	if sp, ok := c.s.(interface {
		Split(bot.Message) []bot.Message
	}); ok {
		return sp.Split(msg)
	}
	return []bot.Message{msg}
}

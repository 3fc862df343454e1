package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
)

// HandlerFunc handles one update.
type HandlerFunc func(c *Context) error

// Middleware wraps a handler.
type Middleware func(HandlerFunc) HandlerFunc

// Match decides whether a route takes an update.
type Match func(c *Context) bool

type route struct {
	match   Match
	handler HandlerFunc
}

// Router holds first-match routes and the middleware every update passes.
type Router struct {
	routes   []route
	mw       []Middleware
	fallback HandlerFunc
	chain    HandlerFunc
	// built makes the first updates, handled concurrently, build the
	// chain once.
	built sync.Once
}

// Use appends middleware; the first added runs outermost.
func (r *Router) Use(mw ...Middleware) { r.mw = append(r.mw, mw...) }

// Handle adds a route. Route middleware (such as a role check) wraps only
// this handler.
func (r *Router) Handle(m Match, h HandlerFunc, mw ...Middleware) {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	r.routes = append(r.routes, route{m, h})
}

// Fallback sets the handler for updates no route takes.
func (r *Router) Fallback(h HandlerFunc) { r.fallback = h }

func (r *Router) build() {
	h := HandlerFunc(r.dispatch)
	for i := len(r.mw) - 1; i >= 0; i-- {
		h = r.mw[i](h)
	}
	r.chain = h
}

func (r *Router) dispatch(c *Context) error {
	for _, rt := range r.routes {
		if rt.match(c) {
			return rt.handler(c)
		}
	}
	if r.fallback != nil {
		return r.fallback(c)
	}
	return nil
}

func (r *Router) serve(ctx context.Context, b *Bot, u *Update) error {
	r.built.Do(r.build)
	c := &Context{Context: ctx, Bot: b, U: u, Lang: VI}
	err := r.chain(c)
	var fatal *fatalError
	if errors.As(err, &fatal) {
		return fatal.err
	}
	return nil
}

// fatalError marks an error that means the update was not handled and must
// be retried (Redis unreachable), as opposed to one already answered.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

// Command matches any of the named commands, typed or pressed as a menu
// button.
func Command(names ...string) Match {
	return func(c *Context) bool {
		for _, n := range names {
			if c.U.Command == n {
				return true
			}
		}
		return false
	}
}

// CallbackPrefix matches button presses whose data starts with prefix.
func CallbackPrefix(prefix string) Match {
	return func(c *Context) bool {
		return c.U.Callback != nil && c.U.Command == "" && strings.HasPrefix(c.U.Callback.Data, prefix)
	}
}

// InFlow matches updates from a user in the named conversation.
func InFlow(flow string) Match {
	return func(c *Context) bool { return c.Conv != nil && c.Conv.Flow == flow }
}

// IsKind matches updates of the kind.
func IsKind(k Kind) Match { return func(c *Context) bool { return c.U.Kind == k } }

// And matches when all match.
func And(ms ...Match) Match {
	return func(c *Context) bool {
		for _, m := range ms {
			if !m(c) {
				return false
			}
		}
		return true
	}
}

// Or matches when any matches.
func Or(ms ...Match) Match {
	return func(c *Context) bool {
		for _, m := range ms {
			if m(c) {
				return true
			}
		}
		return false
	}
}

// Recover turns a panicking handler into a logged error and a polite answer,
// so one bad update never stops the bot.
func Recover(next HandlerFunc) HandlerFunc {
	return func(c *Context) (err error) {
		defer func() {
			if p := recover(); p != nil {
				c.Bot.log.Error("handler panic", "update", c.U.ID, "user", c.U.User, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				c.sayInternalError()
				err = nil
			}
		}()
		return next(c)
	}
}

// Timeout bounds the handling of one update.
func Timeout(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		ctx, cancel := context.WithTimeout(c.Context, c.Bot.cfg.Timeout)
		defer cancel()
		c.Context = ctx
		return next(c)
	}
}

// Errors is the one sink for handler errors: it logs them with the update
// id and shows the user a short, translated message. Store failures while
// loading are returned as fatal so the update is retried.
func Errors(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		err := next(c)
		if err == nil {
			return nil
		}
		var fatal *fatalError
		if errors.As(err, &fatal) {
			return err
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, ErrUndelivered) {
			// Not handled to the end (shutting down, or an answer could be
			// neither sent nor queued): the update is handled again.
			return &fatalError{err}
		}
		c.Bot.log.LogAttrs(c.Context, slog.LevelError, "handler failed",
			slog.Int64("update", c.U.ID), slog.String("user", string(c.U.User)), slog.String("err", err.Error()))
		c.sayInternalError()
		return nil
	}
}

// RequireRole refuses the update unless the sender is a registered member
// of the active cohort with one of the roles. It runs on every route, so a
// forged button press is checked exactly like a typed command.
func RequireRole(roles ...Role) Middleware {
	return func(next HandlerFunc) HandlerFunc {
		return func(c *Context) error {
			if c.Member == nil || !c.Member.Registered {
				return c.needMembership()
			}
			for _, r := range roles {
				if c.Member.Role == r {
					return next(c)
				}
			}
			c.Bot.log.Info("role refused", "user", c.U.User, "role", c.Member.Role, "command", c.U.Command, "update", c.U.ID)
			return c.Refuse(c.T("err.role"))
		}
	}
}

// RequireMember refuses the update unless the sender has finished
// registration in the active cohort.
func RequireMember(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		if c.Member == nil || !c.Member.Registered {
			return c.needMembership()
		}
		return next(c)
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/cert"
	"github.com/cohortbot/cohortbot/bot/delivery"
	"github.com/cohortbot/cohortbot/bot/gallery"
	"github.com/cohortbot/cohortbot/bot/metrics"
	"github.com/cohortbot/cohortbot/bot/report"
	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/bot/web"
	"github.com/cohortbot/cohortbot/bot/zalo"
	"github.com/cohortbot/cohortbot/scheduler"
	"github.com/cohortbot/cohortbot/store"
)

// serve runs every configured transport, the scheduler, the intake and
// the HTTP server until ctx is done, then shuts down in reverse order.
func (a *App) serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	if !cfg.HasRedis() {
		return badUsage("serve needs REDIS_URL (or REDIS_CLUSTER_ADDRS).\n" +
			"To try the bot without Redis, run `cohortbot console`; to run it with Redis, `docker compose up`.")
	}
	if cfg.TelegramToken == "" && cfg.ZaloToken == "" {
		return badUsage("serve needs TELEGRAM_TOKEN (the bot's token from BotFather) or ZALO_TOKEN (from Zalo Bot Creator), or both")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	var tg *telegram.Client
	if cfg.TelegramToken != "" {
		tg, err = telegram.New(ctx, cfg.TelegramToken, cfg.TelegramAPI, log)
		if err != nil {
			return fmt.Errorf("connect to telegram: %w", err)
		}
		log.Info("connected to telegram", "bot", tg.Username(), "token", telegram.Token(cfg.TelegramToken))
	}
	// The Zalo transport stops alone (zaloStop) when Zalo refuses the
	// token; Telegram goes on.
	zaloCtx, zaloStop := context.WithCancel(ctx)
	defer zaloStop()
	var zc *zalo.Client
	if cfg.ZaloToken != "" {
		zc, err = zalo.New(ctx, cfg.ZaloToken, cfg.ZaloAPI, log)
		if err != nil {
			return fmt.Errorf("connect to zalo: %w", err)
		}
		zc.Choices = st
		zc.OnUnauthorized = func(error) { zaloStop() }
		log.Info("connected to zalo", "bot", zc.Self().AccountName, "token", zalo.Token(cfg.ZaloToken))
	}

	met := metrics.New()
	// Every send to a platform, direct or queued, passes that platform's
	// one limiter.
	replica := cfg.Replica
	if replica == "" {
		replica = consumerName()
	}
	worker := &delivery.Worker{Outbox: st, Reach: st, Log: log, Owner: replica, Shutdown: cfg.Shutdown,
		Limiters: map[bot.Platform]*delivery.Limiter{}, Senders: map[bot.Platform]bot.Sender{}}
	// A direct answer that cannot go within its update's deadline goes to
	// the outbox, in order for its chat.
	senders := delivery.Platforms{}
	if tg != nil {
		limiter := &delivery.Limiter{Buckets: st, Platform: bot.Telegram, Rate: cfg.SendRate, Burst: cfg.SendBurst,
			Ahead: 8, Log: log}
		tgSender := met.Sender(bot.Telegram, tg)
		senders[bot.Telegram] = &delivery.Direct{Sender: tgSender, Limiter: limiter, Reach: st, Handover: st, Log: log}
		worker.Limiters[bot.Telegram], worker.Senders[bot.Telegram] = limiter, tgSender
	}
	if zc != nil {
		// Zalo publishes no rate: its own conservative limiter, without
		// the burst Telegram tolerates.
		limiter := &delivery.Limiter{Buckets: st, Platform: bot.Zalo, Rate: cfg.ZaloSendRate, Burst: 1, Ahead: 4, Log: log}
		zSender := met.Sender(bot.Zalo, zc)
		senders[bot.Zalo] = &delivery.Direct{Sender: zSender, Limiter: limiter, Reach: st, Handover: st, Log: log}
		worker.Limiters[bot.Zalo], worker.Senders[bot.Zalo] = limiter, zSender
	}
	fs := features(st)
	// Entries sent as files are checked by their bytes and shown as the
	// gallery's cleaned copy, within the gallery's decoding budget.
	var fetcher gallery.Fetcher
	opts := []bot.Option{bot.WithLogger(log), bot.WithObserver(met), bot.WithClock(a.Clock),
		bot.WithOutbox(st), bot.WithSchedule(st)}
	username := ""
	if tg != nil {
		fetcher, username = tg, tg.Username()
		opts = append(opts, bot.WithMenus(tg))
	}
	if zc != nil {
		// A typed number answers the numbered list last sent, from Redis.
		opts = append(opts, bot.WithResolver(bot.Zalo, zalo.Resolver{Choices: st}))
	}
	photos := gallery.NewPhotos(fetcher)
	fs.Contest.UsePhotos(photos)
	if tg != nil {
		// Reports are downloaded from Telegram (at most its 20 MB limit)
		// to check their type from their bytes.
		fs.Reports.UseFiles(reportFiles{tg})
		fs.Course.UseFiles(tg)
	}
	fs.Cert.UsePublicURL(cfg.PublicURL)
	b := bot.New(bot.Config{Admins: cfg.Admins, BotUsername: username}, st, senders, fs.All, opts...)
	worker.Report = b.DeliveryReport

	// /metrics is not on the public port: it names counts of the bot's
	// traffic that are nobody's business outside the operators.
	routes := web.Routes{Ready: st.Ping, Extra: map[string]http.Handler{}}
	if tg != nil && cfg.Webhook() {
		routes.Extra["POST "+telegram.WebhookPath] = telegram.Webhook(st, cfg.WebhookSecret, tg.Username(), log)
	}
	if zc != nil && cfg.ZaloWebhook() {
		routes.Extra["POST "+zalo.WebhookPath] = zc.Webhook(st, cfg.ZaloSecret)
	}
	// The award ceremony's projector page, its JSON and the photos it
	// shows, fetched from Telegram by the server (the token stays here).
	galleryHandler := gallery.Handler(fs.Contest, photos, a.Clock, log)
	for _, pattern := range gallery.Patterns() {
		routes.Extra[pattern] = galleryHandler
	}
	// Certificates' QR codes open this page.
	routes.Extra[cert.VerifyPattern] = cert.VerifyHandler(st, log)
	srv := web.Server(cfg.HTTPAddr, web.Handler(routes))
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	var metricsSrv *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on METRICS_ADDR %s: %w", cfg.MetricsAddr, err)
		}
		metricsSrv = web.Server(cfg.MetricsAddr, web.Handler(web.Routes{Metrics: met.Handler()}))
		go func() {
			if err := metricsSrv.Serve(mln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Warn("metrics server", "err", err)
			}
		}()
		log.Info("metrics", "addr", mln.Addr().String())
		if a.MetricsReady != nil {
			a.MetricsReady <- mln.Addr().String()
		}
	}
	if a.Ready != nil {
		a.Ready <- ln.Addr().String()
	}

	if tg != nil {
		if err := a.registerCommands(ctx, st, tg, log); err != nil {
			log.Warn("set command menus", "err", err)
		}
	}
	if zc != nil && cfg.ZaloWebhook() {
		if err := zc.SetWebhook(ctx, cfg.PublicURL+zalo.WebhookPath, cfg.ZaloSecret); err != nil {
			ln.Close()
			return err
		}
		log.Info("zalo webhook mode", "url", cfg.PublicURL+zalo.WebhookPath)
	}
	if tg != nil && cfg.Webhook() {
		if err := tg.SetWebhook(ctx, cfg.PublicURL+telegram.WebhookPath, cfg.WebhookSecret); err != nil {
			ln.Close()
			return err
		}
		log.Info("webhook mode", "url", cfg.PublicURL+telegram.WebhookPath)
	}

	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return err
	}
	// Reminders of plans changed while the bot was down are planned again;
	// the due items and the digests run from cron, claimed once whatever
	// the number of replicas.
	if err := scheduler.SyncAll(ctx, st, fs.All, a.Clock()); err != nil {
		log.Warn("plan reminders", "err", err)
	}
	sched := scheduler.New(ctx, loc, a.Clock, log)
	runner := &scheduler.Runner{Store: st, Bot: b, Log: log}
	if err := runner.Register(sched); err != nil {
		return err
	}
	sched.Start()

	// intake and polling stop with ctx; the intake drains what it took.
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	intake := &bot.Intake{Bot: b, Inbox: st, Consumer: replica, Ordered: true, Shutdown: cfg.Shutdown}
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := intake.Run(ctx); err != nil {
			errs <- fmt.Errorf("intake: %w", err)
		}
	}()
	go func() {
		defer wg.Done()
		if err := worker.Run(ctx); err != nil {
			errs <- fmt.Errorf("delivery: %w", err)
		}
	}()
	if zc != nil && !cfg.ZaloWebhook() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A refused token stops Zalo alone, with a clear log line.
			if err := zc.Poll(zaloCtx, st); err != nil {
				log.Error("zalo transport stopped", "err", err)
			}
		}()
	}
	if tg != nil && !cfg.Webhook() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := tg.Poll(ctx, st); err != nil {
				errs <- fmt.Errorf("polling: %w", err)
			}
		}()
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("http: %w", err)
		}
	}()
	log.Info("serving", "http", ln.Addr().String())

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errs:
		log.Error("stopping", "err", runErr)
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.Shutdown)
	defer cancel()
	// Webhook requests stop first, so nothing new is accepted; then the
	// intake drains, then the scheduler's running jobs finish.
	if err := srv.Shutdown(shutdown); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if metricsSrv != nil {
		if err := metricsSrv.Shutdown(shutdown); err != nil {
			log.Warn("metrics shutdown", "err", err)
		}
	}
	wg.Wait()
	select {
	case <-sched.Stop().Done():
	case <-shutdown.Done():
	}
	log.Info("stopped")
	return runErr
}

// reportFiles downloads reports from Telegram, telling the reports a file
// over the Bot API's limit by their own error (a feature knows no
// platform).
type reportFiles struct{ tg *telegram.Client }

func (f reportFiles) Fetch(ctx context.Context, fileID string) ([]byte, error) {
	raw, err := f.tg.Fetch(ctx, fileID)
	if errors.Is(err, telegram.ErrTooLarge) {
		return nil, fmt.Errorf("%w: %w", report.ErrTooLarge, err)
	}
	return raw, err
}

// consumerName is stable across restarts of one replica (its host name),
// so a restarted replica resumes the updates it had taken.
func consumerName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "cohortbot"
	}
	return h
}

// registerCommands sets the command menus: everyone's in Vietnamese and
// English, and the organisers' list in each organiser's chat.
func (a *App) registerCommands(ctx context.Context, st *store.Store, tg *telegram.Client, log *slog.Logger) error {
	cohorts, err := st.Cohorts(ctx)
	if err != nil {
		return err
	}
	organisers := map[int64]bot.Lang{}
	for _, c := range cohorts {
		ms, err := st.Members(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Role != bot.Organiser || m.User.Platform() != bot.Telegram {
				continue
			}
			id, err := strconv.ParseInt(m.User.NativeID(), 10, 64)
			if err != nil {
				continue
			}
			lang := bot.VI
			if p, err := st.Profile(ctx, m.User); err == nil && p.Lang != "" {
				lang = p.Lang
			}
			organisers[id] = lang
		}
	}
	log.Info("setting command menus", "organiser_chats", len(organisers))
	return tg.SetCommands(ctx, organisers)
}

// Package telegram connects the bot to Telegram: long polling that
// confirms an update only once it was handled, replies through a paced
// outbox, native quiz polls, and localized command menus.
//
// go-telegram-bot-api v5.5.1 decodes updates and sends plain calls; the
// Bot API features it predates (quiz polls with InputPollOption and
// correct_option_ids, command menus per language) go through its generic
// request call with parameters built here from the current Bot API.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
)

// DefaultAPIURL is Telegram's own Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// Defaults for the zero values of Config.
const (
	DefaultGlobalRate  = 30
	DefaultPerChat     = time.Second
	DefaultMaxRetries  = 3
	DefaultPollTimeout = 30 * time.Second
	DefaultWorkers     = 100 // a full getUpdates batch at once
	DefaultFloodBurst  = 8
	DefaultFloodEvery  = 2 * time.Second
	DefaultFloodQueue  = 4
)

// sendTimeout bounds one outgoing call. Network deadlines run on the wall
// clock on purpose: they guard a socket, not course time, and a fake clock
// would fire them at random in tests.
const sendTimeout = 30 * time.Second

// Config sets up an Adapter. Zero values take the defaults; for the
// limits, a negative value switches the limit off (benchmarks, a local
// Bot API server).
type Config struct {
	Token string
	// APIURL is where the Bot API lives; the bot calls
	// APIURL + "/bot<token>/<method>". Default DefaultAPIURL; point it at a
	// local Bot API server or a test server (TELEGRAM_API_URL).
	APIURL string
	Clock  clockwork.Clock // nil: the real clock
	Logger *slog.Logger    // nil: discard
	// GlobalRate is messages per second across all chats (default 30).
	GlobalRate int
	// Spread spaces sends evenly over each second instead of sending a
	// second's worth at once: the same rate, fewer requests on the wire
	// at any instant, so a crash leaves fewer messages of unknown fate.
	Spread bool
	// PerChat is the least gap between two messages to one chat
	// (default 1s).
	PerChat time.Duration
	// MaxRetries is how often one message is tried again after a
	// passing failure (default 3; negative: never).
	MaxRetries int
	// PollTimeout is the long-poll timeout of getUpdates (default 30s).
	PollTimeout time.Duration
	// Workers is how many chats' updates are handled at once; updates of
	// one chat are always handled in order (default 100, a full batch of
	// getUpdates: a real Bot API call takes tens of milliseconds, so
	// throughput comes from handling many chats at once).
	Workers int
	// FloodBurst is how many typed messages one chat may send at once
	// before the intake drops the excess, unread by the core (default 8;
	// negative: never drop). Button presses, quiz votes and block
	// notices are never dropped.
	FloodBurst int
	// FloodEvery is how often a chat earns one more typed message
	// (default 2s). Slower than PerChat on purpose: a flooding chat's
	// replies then keep up with what it is let through, so its lane
	// stays short and cannot hold Telegram's update window still.
	FloodEvery time.Duration
	// FloodQueue is the most typed messages of one chat waiting or being
	// handled at once; more are dropped (default 4).
	FloodQueue int
	HTTPClient *http.Client // nil: a plain client; keep its Timeout above PollTimeout
	// Metrics hears the 429s and the waits for Telegram's limits; nil:
	// nothing.
	Metrics bot.LimitMetrics
}

// Adapter is the Telegram side of the bot: a bot.Messenger for replies
// and an update loop for a bot.Handler.
type Adapter struct {
	api         *tgbotapi.BotAPI // a template: calls use a copy bound to their context
	http        *http.Client
	token       string
	clock       clockwork.Clock
	log         *slog.Logger
	out         *Outbox
	pollTimeout time.Duration
	workers     int
	shed        shedLimit
}

var _ bot.Messenger = (*Adapter)(nil)

// New makes an adapter. It makes no network call; Username checks the
// token.
func New(cfg Config) (*Adapter, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: no bot token")
	}
	cfg = withDefaults(cfg)
	base := strings.TrimRight(cfg.APIURL, "/")
	if _, err := url.ParseRequestURI(base); err != nil {
		return nil, errors.New("telegram: bad API URL " + base)
	}
	// Built by hand rather than with NewBotAPIWithClient, which would call
	// getMe here; the library needs only these fields for requests.
	api := &tgbotapi.BotAPI{Token: cfg.Token, Client: cfg.HTTPClient, Buffer: 100}
	api.SetAPIEndpoint(strings.ReplaceAll(base, "%", "%%") + "/bot%s/%s")
	a := &Adapter{
		api:         api,
		http:        cfg.HTTPClient,
		token:       cfg.Token,
		clock:       cfg.Clock,
		log:         cfg.Logger,
		pollTimeout: cfg.PollTimeout,
		workers:     cfg.Workers,
		shed:        shedLimit{burst: cfg.FloodBurst, every: cfg.FloodEvery, queue: cfg.FloodQueue},
	}
	a.out = NewOutbox(OutboxConfig{
		Clock:      cfg.Clock,
		GlobalRate: max(cfg.GlobalRate, 0),
		PerChat:    max(cfg.PerChat, 0),
		MaxRetries: max(cfg.MaxRetries, 0),
		Spread:     cfg.Spread,
		Logger:     cfg.Logger,
		Metrics:    cfg.Metrics,
	})
	return a, nil
}

func withDefaults(cfg Config) Config {
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.GlobalRate == 0 {
		cfg.GlobalRate = DefaultGlobalRate
	}
	if cfg.PerChat == 0 {
		cfg.PerChat = DefaultPerChat
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = DefaultPollTimeout
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = pooledClient(cfg.Workers)
	}
	return floodDefaults(cfg)
}

func floodDefaults(cfg Config) Config {
	if cfg.FloodBurst == 0 {
		cfg.FloodBurst = DefaultFloodBurst
	}
	if cfg.FloodEvery <= 0 {
		cfg.FloodEvery = DefaultFloodEvery
	}
	if cfg.FloodQueue <= 0 {
		cfg.FloodQueue = DefaultFloodQueue
	}
	return cfg
}

// pooledClient keeps an idle connection per worker plus the long poll;
// net/http's default keeps 2 per host, so the workers would keep
// closing and reopening (TLS) connections to the one Bot API host.
func pooledClient(workers int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers + 2
	return &http.Client{Transport: t}
}

// Platform reports bot.Telegram.
func (a *Adapter) Platform() bot.Platform { return bot.Telegram }

// Outbox is the adapter's outbox, for sending other Bot API calls under
// the same pacing.
func (a *Adapter) Outbox() *Outbox { return a.out }

// Username asks Telegram who the bot is (getMe), which also proves the
// token; deep links are t.me/<username>?start=<code>.
func (a *Adapter) Username(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	me, err := a.bot(ctx).GetMe()
	if err != nil {
		return "", a.wrap("getMe", err)
	}
	return me.UserName, nil
}

// bot returns a copy of the library client whose requests carry ctx. The
// library takes no context, but it sends every request through its
// Client field, and BotAPI holds no lock, so a shallow copy is safe.
func (a *Adapter) bot(ctx context.Context) *tgbotapi.BotAPI {
	b := *a.api
	b.Client = ctxClient{ctx: ctx, http: a.http, token: a.token}
	return &b
}

// ctxClient sends a request under a context and keeps the token, which
// sits in every URL, out of error messages.
type ctxClient struct {
	ctx   context.Context
	http  *http.Client
	token string
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req.WithContext(c.ctx))
	var uerr *url.Error
	if errors.As(err, &uerr) {
		uerr.URL = strings.ReplaceAll(uerr.URL, c.token, "<token>")
	}
	return resp, err
}

// wrap names the method in an error.
func (a *Adapter) wrap(method string, err error) error {
	return fmt.Errorf("telegram: %s: %w", method, err)
}

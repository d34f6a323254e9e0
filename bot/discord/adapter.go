// Package discord connects the bot to Discord: the gateway brings direct
// messages, button presses and slash commands; replies go out over the
// REST API with buttons as message components; quiz questions are a
// message with one button per option; slash commands are registered with
// English and Spanish descriptions.
//
// discordgo v0.29.0 carries the REST calls and the gateway; the pacing
// to Discord's rate limits is the adapter's own, on its clock (pace.go).
// Its endpoint addresses are package variables
// and stay untouched: a test points the adapter at a fake Discord
// through Config.APIBase, which an http.RoundTripper applies to every
// request bound for discord.com; the fake's GET /gateway then names its
// own websocket.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"github.com/jonboulle/clockwork"

	"github.com/elmabot/elmabot/bot"
)

// Defaults for the zero values of Config.
const (
	DefaultMaxRetries    = 3
	DefaultHandleRetries = 20
	DefaultWorkers       = 64
)

// sendTimeout bounds one REST call. Network deadlines run on the wall
// clock on purpose: they guard a socket, not course time.
const sendTimeout = 30 * time.Second

// apiHost is the host discordgo's endpoints name.
const apiHost = "discord.com"

// Config sets up an Adapter. Zero values take the defaults.
type Config struct {
	Token string // the bot token, without "Bot "
	// APIBase replaces https://discord.com in every REST call, e.g. a
	// fake server's URL; "" talks to Discord. The gateway address comes
	// from GET /gateway, so it follows.
	APIBase string
	Clock   clockwork.Clock // nil: the real clock
	Logger  *slog.Logger    // nil: discard
	// HTTPClient makes the REST calls; nil: a plain client. Its
	// transport is wrapped, not changed; its Timeout (default 30 s)
	// bounds each exchange with Discord, not the waits for the rate
	// limits before it.
	HTTPClient *http.Client
	// GlobalRate is how many REST calls a second the adapter makes at
	// most, over all routes but interaction callbacks (default 50,
	// Discord's limit for a bot; negative: no global pacing).
	GlobalRate int
	// Spread starts calls 1/GlobalRate apart instead of a second's worth
	// at once: the same rate, fewer requests on the wire at any instant,
	// so a crash leaves fewer messages of unknown fate.
	Spread bool
	// MaxRetries is how often one call is tried again after a passing
	// failure: a 5xx or a network error (default 3; negative: never).
	// A 429 is waited out and does not count.
	MaxRetries int
	// HandleRetries is how often an event the handler failed on is handed
	// over again, 1 s, 2 s, 4 s ... 30 s apart (default 20, about eight
	// minutes; negative: never). Discord does not deliver a gateway event
	// twice, so this is the only second chance it gets.
	HandleRetries int
	// Workers is how many channels' events are handled at once; events
	// of one channel are handled in order (default 64).
	Workers int
	// GuildText asks for the privileged MESSAGE_CONTENT intent, which must
	// be switched on for the bot in the developer portal. Without it the
	// bot still reads DMs and guild messages that mention it, but not a
	// guild message that merely starts with "/".
	GuildText bool
	// Metrics hears the 429s and the waits for Discord's limits; nil:
	// nothing.
	Metrics bot.LimitMetrics
	// Server sets up the course's Discord server (guild.go); its zero
	// value keeps the bot to DMs.
	Server Server
}

// Adapter is the Discord side of the bot: a bot.Messenger for replies
// and a gateway loop for a bot.Handler.
type Adapter struct {
	session       *discordgo.Session
	clock         clockwork.Clock
	log           *slog.Logger
	maxRetries    int
	handleRetries int
	workers       int
	globalRate    int // REST calls a second; <= 0: unpaced
	metrics       bot.LimitMetrics

	server Server

	mu    sync.Mutex
	me    string             // the bot's user id, from READY
	appID string             // the application's id, asked for once
	dms   map[string]string  // DM channel ids by user id, opened once
	ix    map[string]*ixChat // live interactions in the server, by id
}

var _ bot.Messenger = (*Adapter)(nil)

// New makes an adapter. It makes no network call.
func New(cfg Config) (*Adapter, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("discord: no bot token")
	}
	if err := cfg.Server.check(); err != nil {
		return nil, err
	}
	cfg = withDefaults(cfg)
	p := newPacer(cfg.Clock, cfg.GlobalRate, cfg.Spread)
	p.metrics = cfg.Metrics
	client, err := apiClient(cfg.HTTPClient, cfg.APIBase, p)
	if err != nil {
		return nil, err
	}
	s, err := discordgo.New("Bot " + strings.TrimPrefix(cfg.Token, "Bot "))
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	s.Client = client
	s.Dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: sendTimeout}
	// 429s and failures are retried here, on the clock: a 429 after the
	// wait Discord names, a failure a bounded number of times. discordgo
	// would sleep out a 429 on the wall clock and retry a 502 at once.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	// Events arrive in order on the gateway goroutine; the handlers only
	// queue them, so the order holds into the per-channel lanes.
	s.SyncEvents = true
	s.StateEnabled = false
	// Run reconnects itself, on the clock and until its context ends;
	// discordgo's own loop would go on after Run returned.
	s.ShouldReconnectOnError = false
	s.Identify.Intents = intents(cfg.GuildText)
	return &Adapter{
		session:       s,
		clock:         cfg.Clock,
		log:           cfg.Logger,
		maxRetries:    max(cfg.MaxRetries, 0),
		handleRetries: max(cfg.HandleRetries, 0),
		workers:       cfg.Workers,
		globalRate:    cfg.GlobalRate,
		metrics:       cfg.Metrics,
		server:        cfg.Server,
		dms:           map[string]string{},
		ix:            map[string]*ixChat{},
	}, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: sendTimeout}
	}
	if cfg.GlobalRate == 0 {
		cfg.GlobalRate = DefaultGlobalRate
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.HandleRetries == 0 {
		cfg.HandleRetries = DefaultHandleRetries
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Metrics == nil {
		cfg.Metrics = bot.NoMetrics{}
	}
	return cfg
}

// intents are the gateway events the bot asks for: messages in DMs and
// guilds (for mentions), and with guildText the content of every guild
// message. Interactions come without any intent.
func intents(guildText bool) discordgo.Intent {
	i := discordgo.IntentsDirectMessages | discordgo.IntentsGuildMessages
	if guildText {
		i |= discordgo.IntentMessageContent
	}
	return i
}

// apiClient copies the client with a transport that paces calls to
// Discord's limits and, when base is set, sends calls for discord.com
// there instead. The client's Timeout moves into the pacing transport,
// so that it bounds the exchange and not the wait before it.
func apiClient(c *http.Client, base string, p *pacer) (*http.Client, error) {
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	if base != "" {
		u, err := url.Parse(strings.TrimRight(base, "/"))
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("discord: bad API base %q", base)
		}
		next = rebase{base: u, next: next}
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = sendTimeout
	}
	cp := *c
	cp.Timeout = 0
	cp.Transport = pacing{pacer: p, next: next, timeout: timeout}
	return &cp, nil
}

// rebase is an http.RoundTripper that moves requests for discord.com to
// another scheme, host and path prefix.
type rebase struct {
	base *url.URL
	next http.RoundTripper
}

func (r rebase) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != apiHost {
		return r.next.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme = r.base.Scheme
	out.URL.Host = r.base.Host
	out.URL.Path = r.base.Path + req.URL.Path
	if req.URL.RawPath != "" {
		out.URL.RawPath = r.base.EscapedPath() + req.URL.RawPath
	}
	out.Host = ""
	return r.next.RoundTrip(out)
}

// Platform reports bot.Discord.
func (a *Adapter) Platform() bot.Platform { return bot.Discord }

// botID is the bot's own user id, known once READY arrived.
func (a *Adapter) botID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.me
}

// application asks Discord once for the application's id, which command
// registration needs.
func (a *Adapter) application(ctx context.Context) (string, error) {
	return a.askOnce(ctx, &a.appID, "GET /applications/@me", func(ctx context.Context) (string, error) {
		var app *discordgo.Application
		body, err := a.session.RequestWithBucketID("GET", discordgo.EndpointApplication("@me"), nil, discordgo.EndpointApplications, discordgo.WithContext(ctx))
		if err == nil {
			err = discordgo.Unmarshal(body, &app)
		}
		if err != nil || app == nil {
			return "", err
		}
		return app.ID, nil
	})
}

// askOnce returns *field, asking Discord with ask (paced and retried)
// while it is empty: ids that never change are asked for once.
func (a *Adapter) askOnce(ctx context.Context, field *string, what string, ask func(context.Context) (string, error)) (string, error) {
	a.mu.Lock()
	id := *field
	a.mu.Unlock()
	if id != "" {
		return id, nil
	}
	err := a.do(ctx, "", func(ctx context.Context) error {
		var err error
		id, err = ask(ctx)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("discord: who am I: %w", err)
	}
	if id == "" {
		return "", fmt.Errorf("discord: %s named no id", what)
	}
	a.mu.Lock()
	*field = id
	a.mu.Unlock()
	return id, nil
}

// OpenDM opens (or finds) the DM channel with a user, for writing to
// someone who has not written first; its id is a Reply's ChatID. A DM
// channel never changes, so each is asked for once.
func (a *Adapter) OpenDM(ctx context.Context, userID string) (string, error) {
	a.mu.Lock()
	id, ok := a.dms[userID]
	a.mu.Unlock()
	if ok {
		return id, nil
	}
	var ch *discordgo.Channel
	err := a.do(ctx, "", func(ctx context.Context) error {
		var err error
		ch, err = a.session.UserChannelCreate(userID, discordgo.WithContext(ctx))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("discord: open DM with %s: %w", userID, err)
	}
	a.mu.Lock()
	a.dms[userID] = ch.ID
	a.mu.Unlock()
	return ch.ID, nil
}

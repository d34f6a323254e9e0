package bot

import (
	"errors"
	"strings"
	"time"

	"github.com/elmabot/elmabot/locales"
	"github.com/elmabot/elmabot/store"
)

// linkCodeTTL is how long a code for linking a second app stays valid.
const linkCodeTTL = 15 * time.Minute

// cmdStart welcomes, or registers with a roster code or a link code
// (Telegram deep links arrive as "/start CODE").
func (r *request) cmdStart(code string) error {
	if code == "" {
		if r.p != nil {
			return r.say(r.pr.T("welcome_back", "Name", r.p.Name))
		}
		return r.say(r.pr.T("welcome", "Course", r.course().Title.In(r.pr.Lang)), languageButtons())
	}
	if r.p != nil {
		return r.say(r.pr.T("already_registered", "Name", r.p.Name))
	}
	p, err := r.b.cfg.Store.RedeemRosterCode(r.ctx, code, r.account(), r.now)
	if errors.Is(err, store.ErrCodeUnknown) {
		p, err = r.b.cfg.Store.RedeemLinkCode(r.ctx, code, r.account())
		if err == nil {
			r.p = &p
			r.setLang()
			return r.say(r.pr.T("linked", "Name", p.Name))
		}
	}
	switch {
	case errors.Is(err, store.ErrCodeUnknown):
		return r.say(r.pr.T("code_unknown"))
	case errors.Is(err, store.ErrCodeUsed):
		return r.say(r.pr.T("code_used"))
	case errors.Is(err, store.ErrAccountLinked):
		return r.say(r.pr.T("account_linked_elsewhere"))
	case err != nil:
		return err
	}
	r.p = &p
	r.setLang()
	if err := r.cleanRosterName(); err != nil {
		return err
	}
	return r.registered()
}

// cleanRosterName cleans a name that came from a roster stored before
// names were cleaned on import. A name with nothing readable left is
// kept: a coordinator fixes it with the participant.
func (r *request) cleanRosterName() error {
	name, ok := CleanName(r.p.Name)
	if !ok || name == r.p.Name {
		return nil
	}
	if err := r.b.cfg.Store.SetName(r.ctx, r.p.ID, name); err != nil {
		return err
	}
	r.p.Name = name
	return nil
}

// cmdRegister registers someone without a code, by the name they give
// (or their platform display name).
func (r *request) cmdRegister(name string) error {
	if r.p != nil {
		return r.say(r.pr.T("already_registered", "Name", r.p.Name))
	}
	if name == "" {
		name = r.u.Name
	}
	name, ok := CleanName(name)
	if !ok {
		return r.say(r.pr.T("register_need_name"))
	}
	p := store.Participant{Name: name, Lang: r.pr.Lang, TimeZone: r.course().Location.String(), Reminders: true, Created: r.now}
	created, err := r.b.cfg.Store.CreateParticipant(r.ctx, p, r.account())
	if errors.Is(err, store.ErrAccountLinked) {
		return r.say(r.pr.T("account_linked_elsewhere"))
	}
	if err != nil {
		return err
	}
	r.p = &created
	return r.registered()
}

// registered greets a new participant and offers the first choice, their
// language; once they pick it (registrationLanguage), the electives.
func (r *request) registered() error {
	if err := r.b.joinOpenWaves(r.ctx, r.p, r.now); err != nil {
		return err
	}
	langs := languageButtons()
	for i := range langs {
		langs[i].Data += langThenElectives
	}
	return r.say(r.pr.T("registered", "Name", r.p.Name, "Course", r.course().Title.In(r.pr.Lang)), langs)
}

// langThenElectives marks the language buttons of the welcome: after the
// language, the bot asks for electives, in that language.
const langThenElectives = ":reg"

// languageChoice handles a language button; one of the welcome's goes on
// to ask for electives, unless the participant has them already (from
// the roster) or the course has none.
func (r *request) languageChoice(value string) error {
	tag, asks := strings.CutSuffix(value, langThenElectives)
	if err := r.setLanguage(tag); err != nil || !asks || r.p == nil {
		return err
	}
	if len(r.p.Electives) > 0 || len(r.course().Agenda.Electives) == 0 {
		return nil
	}
	text, rows := r.electivesList()
	return r.say(r.pr.T("electives_ask")+"\n\n"+text, rows...)
}

// electivesDone answers the last button under the electives list: Later
// (none chosen) or Done.
func (r *request) electivesDone() error {
	if len(r.p.Electives) > 0 {
		return r.say(r.pr.N("electives_done", len(r.p.Electives)))
	}
	if r.course().Reminders.NoChoiceGetsAll {
		return r.say(r.pr.T("electives_later_digest", "Time", r.digestTime()))
	}
	return r.say(r.pr.T("electives_later"))
}

func (r *request) cmdName(name string) error {
	name, ok := CleanName(name)
	if !ok {
		return r.say(r.pr.T("name_usage"))
	}
	if err := r.b.cfg.Store.SetName(r.ctx, r.p.ID, name); err != nil {
		return err
	}
	return r.say(r.pr.T("name_set", "Name", name))
}

// cmdLink gives a one-time code to type in the other app.
func (r *request) cmdLink(string) error {
	code, err := r.b.cfg.Store.NewLinkCode(r.ctx, r.p.ID, linkCodeTTL)
	if err != nil {
		return err
	}
	return r.say(r.pr.T("link_code", "Code", code, "Minutes", int(linkCodeTTL.Minutes())))
}

func languageButtons() []Button {
	return []Button{{Label: "English", Data: "lang:en"}, {Label: "Español", Data: "lang:es"}}
}

// cmdLanguage switches language: "/language es", or buttons.
func (r *request) cmdLanguage(arg string) error {
	if arg == "" {
		return r.say(r.pr.T("language_pick"), languageButtons())
	}
	return r.setLanguage(arg)
}

func (r *request) setLanguage(tag string) error {
	lang, ok := locales.ParseLang(tag)
	if !ok {
		return r.say(r.pr.T("language_unknown", "Tag", tag), languageButtons())
	}
	if r.p != nil {
		if err := r.b.cfg.Store.SetLanguage(r.ctx, r.p.ID, lang); err != nil {
			return err
		}
		r.p.Lang = lang
	}
	r.pr = r.b.cfg.Catalog.Printer(lang)
	msg := "language_set"
	if r.p == nil {
		msg = "language_set_unregistered"
	}
	if err := r.say(r.pr.T(msg)); err != nil {
		return err
	}
	r.setChatMenu(lang)
	return nil
}

// setChatMenu puts the command menu of this chat in lang, where the
// platform keeps menus per chat. A menu left in the other language is a
// nuisance, not a failure: it is logged, and the update counts as
// handled.
func (r *request) setChatMenu(lang locales.Lang) {
	m, err := r.b.messenger(r.u.Platform)
	if err != nil {
		return
	}
	menus, ok := m.(ChatMenus)
	if !ok {
		return
	}
	if err := menus.SetChatCommands(r.ctx, r.u.ChatID, r.b.Commands(string(lang))); err != nil {
		r.b.log.Warn("setting the chat's command menu", "platform", r.u.Platform, "user", r.u.UserID, "lang", lang, "err", err)
	}
}

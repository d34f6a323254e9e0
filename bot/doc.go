// Package bot is the conversation, independent of any chat platform.
//
// An adapter (bot/telegram, bot/discord, bot/console) turns a platform
// event into an Update and calls Bot.Handle; the core answers through the
// adapter's Messenger, which paces and retries. The flow of one update:
//
//	adapter ──Update──▶ Bot.Handle
//	                      ├─ flood limit (typed messages only)
//	                      ├─ who is this? (Store.ParticipantByAccount) and in which language
//	                      ├─ dispatch: poll vote │ button │ /command │ free text (FAQ)
//	                      │     commands are data (commandTable): name, role, handler;
//	                      │     the role is checked in one place
//	                      └─ replies ──Reply──▶ Messenger.Send ──▶ platform
//
// Free text goes to the support desk (support.go, faq.go): the course's
// compiled FAQ (course.Matcher) answers when it is confident, adding live
// data where the entry asks for it and "That helped" / "Ask a person"
// buttons; small talk and buttons typed by hand are answered and never
// passed on; anything else, and every extension request, is kept for the
// coordinators.
//
// The final evaluation (evaluation.go) is asked like a quiz, one
// question at a time: a rating question is a QuizPoll with Survey set (a
// regular poll on Telegram, buttons elsewhere); an open question is
// answered by the next typed message, which free text reaches first
// while the store says the person is awaited (with a TTL). Each answer
// is recorded once, and /stats and the report read its counters
// (EvaluationReport).
//
// Handle returns an error only when storage is unavailable, so that the
// adapter delivers the update again; bad input gets a translated reply.
//
// Quiz answers are never taken on the client's word: a button carries an
// HMAC over (participant, quiz, question, option), and a native poll is
// looked up by its id in the store. The store records each answer once.
//
// Messages that must arrive go through the durable delivery queue (see
// store/doc.go, "Delivery"): waves (Bot.Deliver queues a schedule.Send
// for every participant; the delivery loop, RunDeliveries, composes and
// sends each when due), and messages composed in an update (the next quiz
// question, a quiz summary, a support answer, a grade notice), which
// sendOnce records with a lease before sending at once. Each is retried
// with backoff until sent or expired; a crash repeats at most the message
// on the wire. Plain replies to the update being handled (say) are sent
// directly: the update itself is redelivered if handling fails.
//
// Coordinator commands read the store's course index (store/doc.go,
// "Index"): /stats and the broadcast preview one hash, /find a prefix
// range of the name index. Passes that must see everyone (a wave's
// enqueue, the reminder preview's counts) go a page at a time; the
// reminder preview decides every send for a page of profiles at once
// (concerns), so the whole course costs one read of each participant.
//
// A platform event is handled once: its id (Update.ID) is claimed in
// Redis before handling (a short-lived claim, ClaimFor) and recorded
// after its effects. An event delivered again is skipped; one delivered
// again while another replica still handles it is turned away with
// store.ErrBeingHandled, for the platform to deliver later.
//
// Platforms differ in what they can show; the core asks through small
// optional interfaces and falls back to text. A Messenger that is a
// TimeMarkup (Discord) gets instants as markup each reader's app shows
// in their own zone, with Turin time beside them; the others get times
// converted to the zone the participant set. A Reply's Card (the agenda,
// the progress) is shown as a card where the platform has them, its Text
// elsewhere. A Calendar (a Discord server's Events tab) is kept in step
// with the agenda by SyncCalendar, which remembers in Redis the events
// it made, so that a second sync with nothing changed changes nothing.
//
// What happens is reported to Config.Metrics (updates by result and
// kind, queued messages by kind and outcome, storage outages) and, by
// the adapters, to a LimitMetrics (429s, waits for rate limits). Both
// are small interfaces so that this package knows no monitoring system;
// package metrics implements them for Prometheus. Label values come
// from fixed lists, never from what people type.
package bot

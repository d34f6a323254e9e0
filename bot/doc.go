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
// Handle returns an error only when storage is unavailable, so that the
// adapter delivers the update again; bad input gets a translated reply.
//
// Quiz answers are never taken on the client's word: a button carries an
// HMAC over (participant, quiz, question, option), and a native poll is
// looked up by its id in the store. The store records each answer once.
//
// Unprompted messages (reminders, quiz announcements, broadcasts) are
// waves: Bot.Deliver sends a schedule.Send to everyone it concerns,
// marking each (item, participant) before the message leaves, so that a
// restart or a second replica never repeats it.
package bot

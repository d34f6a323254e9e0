// Package store keeps the course's participants, answers and points in
// Redis, so that every point is counted once and survives restarts of
// the bot and of Redis.
//
// # Connecting
//
// Open takes a REDIS_URL in any form go-redis's clients accept:
//
//	redis://[user:pass@]host:6379[/db][?dial_timeout=2s&...]   standalone
//	rediss://...                                               standalone over TLS
//	unix://[user:pass@]/run/redis/redis.sock[?db=0]            standalone over a socket
//	redis://host1:6379?addr=host2:6379&addr=host3:6379         Cluster, seed nodes
//	redis://host:6379?cluster=true                             Cluster, one seed (a configuration endpoint)
//	redis://sentinel1:26379?master_name=mymaster&addr=sentinel2:26379   Sentinel
//
// Query parameters are go-redis's (dial_timeout, read_timeout,
// pool_size, max_retries, ...); cluster=true is this package's. Timeouts
// the URL leaves unset are bounded by WithTimeout (default 2s), so a dead
// or unreachable Redis yields ErrUnavailable quickly instead of a hang.
// New wraps a client made elsewhere.
//
// Redis should run with appendonly yes and appendfsync always: an answer
// is acknowledged only once it is on disk.
//
// Replication is asynchronous: a write the primary acknowledged can be
// missing on the replica Sentinel promotes. Through Sentinel,
// RecordAnswer therefore acknowledges an answer only once a replica has
// it (WAIT 1 on the script's connection) and otherwise fails with
// ErrUnavailable, for the caller to retry; see WithReplicaAcks. Other
// writes are not waited for.
//
// # Exactly once
//
// RecordAnswer is one Lua script, one round trip (EVALSHA, with EVAL
// when the server lost its script cache): it stores the answer only if
// the (participant, quiz, question) has none and adds the points of a
// correct new answer to the totals, atomically. A retried or repeated
// answer, even with another option, changes nothing. That makes the
// at-least-once intake of the chat platforms, and go-redis's own retry
// after a lost reply, safe. (The first answer to each quiz a process
// sees costs one more round trip, to register the quiz's code.) Essay
// grades are likewise set by one script that updates the history and
// the totals together.
//
// The commands every answer makes (the answer script, a participant's
// record, a poll's mapping, the next question's delivery, the handled
// update) go through go-redis's automatic pipeliner,
// so concurrent answers share writes, reads and, with appendfsync
// always, fsyncs. Each caller still waits for its own reply: batching
// changes the cost, not what an acknowledgement means.
//
// Writes that span two hash tags (creating a participant and claiming
// their account, redeeming a code) cannot be one script on Cluster; they
// are ordered so that a crash between steps leaves nothing worse than
// an unused id, and a retry by the same account finishes the job.
//
// # Delivery
//
// Every message that matters goes through one queue in Redis, whatever
// the platform and whatever the kind: reminder and nudge waves, quiz
// news, broadcasts, the next quiz question, quiz summaries, support
// answers, grade notices and wave reports. The design is a sorted set
// with leases (not Streams: a delivery must come back at an instant of
// its own choosing, for retries with backoff, which a stream's pending
// list does not give):
//
//   - Enqueue records each (item, recipient) once, as due, in the item's
//     states, and adds it to the queue. Repeating it (a restart, another
//     replica, a retried job) adds only recipients the item never had.
//   - Claim takes what is due and moves each taken delivery's score to
//     the end of its lease. A taker that dies never settles, so the
//     delivery is due again when the lease ends, for any replica.
//   - Settle records the outcome: sent, unreachable, failed (tries used
//     up, or expired) or skipped are final and counted once; retry puts
//     it back at the instant given, if the caller still holds the lease.
//   - EnqueueHeld is Enqueue with the lease already taken by the caller,
//     who sends at once (a reply's next quiz question) and settles; if
//     the item was already queued for the recipient (a redelivered
//     update), there is nothing to send.
//
// A crash thus repeats at most the messages whose request was on the
// wire when the process died, and loses none. A wave's items are
// composed when sent, in the recipient's language and for the time left;
// other items carry their message as the payload. The item's counts are
// what a coordinator's report says.
//
// # Scheduled announcements
//
// An announcement scheduled for later is one delivery in the same queue,
// its trigger: item "sb:<id>", due at the announcement's instant
// (ScheduleBroadcast). Whichever replica claims it then queues the
// announcement's wave and settles the trigger; a crash before that
// leaves the trigger leased, and it is claimed again when the lease
// ends, which queues nobody twice. So it goes out at its instant, once,
// whatever restarts or replicas. A list (ScheduledBroadcasts) shows what
// waits. CancelScheduled takes an untouched trigger out of the queue in
// one script; a trigger ever claimed (leased, or with a failed try) has
// begun to go out and is no longer cancelled.
//
// # Keys
//
// Every key starts with a prefix (WithPrefix, default "elma"); <id> is a
// participant id such as p42. A participant's own keys share the hash
// tag {<id>}, so each script's keys live in one Cluster slot. Instants
// are unix milliseconds, UTC.
//
//	<prefix>:{<id>}            hash, the profile and the totals
//	    n name · l language · tz IANA zone · co cohort
//	    r reminders (1/0) · ro reminder offsets ("24h0m0s,15m0s"; "none":
//	    none chosen, "" or absent: the course's) · dg morning digest (1/0)
//	    · qh quiet hours ("23:00-06:30", "off"; absent: the course's)
//	    c coordinator (1/0) · ct created
//	    el:<elective id>         1, one field per chosen elective
//	    a:<platform>:<user id>   "+" or "-" (reachable or not), then the chat id
//	    w weekly points · e elective points · x essay points
//	    d:em email · d:id ID number · d:ot organization type
//	    d:g gender · d:cc country   (from the roster; absent when empty)
//	    xs essay submitted at (absent: not submitted)
//	    xg 1 once the essay is graded · ap points of every answered
//	    question, right or wrong · q<quiz code> questions of the quiz
//	    answered, then "c" once all are · kv changes to the profile
//	    (the version the course index orders them by)
//	<prefix>:{<id>}:a          hash, the answers
//	    <quiz code><question id>   <instant><option, 2 digits><1|0 correct>
//	<prefix>:{<id>}:e          list, essay grades as JSON, oldest first;
//	                           the last is the current grade
//	<prefix>:{<id>}:x          hash, the participant's extended deadlines:
//	                           quiz id or "essay" -> instant
//	<prefix>:ext               hash, deadlines extended for everyone,
//	                           as above
//	<prefix>:quizzes           hash, quiz code -> quiz id (see QuizCode)
//	<prefix>:participants      set of every participant id
//	<prefix>:seq:participant   counter for participant ids
//	<prefix>:acct:<platform>:<user id>   string, the participant id
//	<prefix>:roster:<code>     hash, n name · co cohort · l language ·
//	                           c coordinator · el elective ids
//	                           (comma-separated) · d:* details, as in the
//	                           profile; once redeemed also
//	                           p participant · a account ("platform:user") ·
//	                           u instant
//	<prefix>:roster-names      hash, NameKey(name) -> the roster code
//	                           LoadRoster gave that name, so that a
//	                           roster without codes finds them again
//	<prefix>:link:<code>       string with expiry, the participant id;
//	                           "!<id>" once used
//	<prefix>:gp:<token>        string with expiry, a grade waiting for the
//	                           coordinator's confirmation (JSON)
//	<prefix>:{dlv}:q           sorted set, the delivery queue: member
//	                           "<item>|<recipient>", score the instant
//	                           (ms) it is due, or its lease ends
//	<prefix>:{dlv}:l           hash, member -> lease token of its taker
//	<prefix>:{dlv}:a           hash, member -> failed tries so far
//	<prefix>:{dlv}:m           hash, member -> payload (a composed message)
//	<prefix>:{dlv}:s:<item>    hash with expiry, recipient -> state:
//	                           d due (also while it waits for the
//	                           recipient's own hour) · s sent ·
//	                           u unreachable · f failed · x expired ·
//	                           k skipped
//	<prefix>:{dlv}:n:<item>    hash with expiry, the item's count per
//	                           state, and exp (its expiry, ms)
//	<prefix>:{dlv}:rp          hash, item -> who hears its report
//	<prefix>:{dlv}:sb          sorted set, the scheduled announcements
//	                           waiting: member the announcement id, score
//	                           its instant (ms)
//	<prefix>:upd:<update>      string with expiry, a handled platform event
//	                           ("tg:<update_id>", "dc:i:<interaction id>"):
//	                           "1" handled, or "p:<token>" claimed by the
//	                           replica handling it now (short expiry)
//	<prefix>:{lease:<name>}    string with expiry, "<fence>:<token>", the
//	                           replica holding a leader lease such as
//	                           "telegram:<bot id>" or "discord:<app id>"
//	<prefix>:{lease:<name>}:fence   counter, the lease's last fence number
//	<prefix>:poll:<poll id>    string with expiry, JSON {p, q, k}: the
//	                           participant, quiz and question a poll asks
//	<prefix>:{support}:seq     counter for support question ids (s1, s2 ...)
//	<prefix>:{support}:q       hash, question id -> JSON {p, l, t, at}
//	<prefix>:{support}:open    sorted set of open question ids by instant
//	<prefix>:{support}:u       hash, update -> the question it stored, so
//	                           an update delivered again stores nothing
//	<prefix>:faqq:<id>         string with expiry, JSON {p, l, t}: a
//	                           question the FAQ answered, until its "Ask
//	                           a person" button is pressed (store/faq.go)
//	<prefix>:bc:<id>           string with expiry, JSON {en, es, by, at,
//	                           au audience, due instant if scheduled, rp
//	                           who hears the report, rem true for a
//	                           reminder}: a coordinator's
//	                           announcement awaiting confirmation, then
//	                           its record
//	<prefix>:{ev}:a            hash, "<id>:<question>" -> the final
//	                           evaluation's answer: "1".."5" a rating,
//	                           "t" typed (the text is in {ev}:t), "s" skipped
//	<prefix>:{ev}:p            hash, id -> questions of it answered
//	<prefix>:{ev}:n            hash, the evaluation's counters:
//	                           "<question>:<1..5|t|s>" answers of each
//	                           kind, done (participants who answered all)
//	<prefix>:{ev}:t            list of JSON {p, q, l, t, at}: typed
//	                           answers, oldest first
//	<prefix>:{ev}:w:<id>       string with expiry, the open question the
//	                           participant's next message answers
//	<prefix>:cal:<calendar>    hash, session id -> "<event id> <hash>": the
//	                           event the bot made for a session in a
//	                           platform's calendar ("discord:<guild id>")
//	                           and a hash of what it sent (store/calendar.go)
//	<prefix>:lock:<job>        string with expiry, a scheduled job's lock
//	                           (a random token, so only its holder frees it)
//	<prefix>:{ix}:n            hash, the course's counters (see Index)
//	<prefix>:{ix}:w            sorted set, score 0, "<name word> <id>":
//	                           the name index, searched by prefix
//	<prefix>:{ix}:c            hash, id -> the state last applied to the
//	                           index: its version, then its tokens
//
// # Final evaluation
//
// The evaluation's answers and counters share the hash tag {ev}, so one
// script (eval_answer.lua) records an answer only if the participant
// has none for that question and bumps the counters with it: a vote
// delivered twice, or pressed on two replicas at once, counts once, and
// the results are read from the counters (EvaluationCounts), not from a
// pass over the answers. At course scale (a few thousand answers) one
// slot holds them easily.
//
// # Index
//
// Coordinator commands must not cost a round trip per participant. The
// counters (participants, by language, cohort, apps used and the
// roster's organization type, gender and country, reachable, a histogram
// of total:submitted:graded:answered points from which the bot derives
// certificate tiers, essays submitted and graded and their sum of
// grades, completions per quiz) and the name index live under their own
// hash tag {ix}, which a participant's scripts cannot reach on Cluster.
// So every script that changes a profile bumps its kv and returns the
// profile, and the store then runs ix_apply.lua with the participant's
// state as tokens. The script applies only the difference from the
// state it last applied for that participant, and only if the version
// is newer. Hence:
//
//   - repeating an apply, or a late apply of an older state, changes
//     nothing: counters never count twice;
//   - an apply lost to a crash between the two commands leaves the
//     counters behind by that one participant's change until their next
//     change, a redelivered answer, or Reindex (elmabot reindex), which
//     re-applies everyone a page at a time and is safe while the bot runs.
//     A state of the same version is applied again (as its difference),
//     so after an upgrade that counts more, Reindex fills the new counters.
//
// A profile counts once it has an account (linkFirst adds the account
// through the profile script, then lists the participant).
//
// Codes (roster and link) are kept upper case without spaces or dashes;
// people may type them either way.
//
// # Memory
//
// The encoding keeps a participant small enough for Redis's compact
// listpack encoding (at most 128 fields, values of at most 64 bytes, the
// defaults of hash-max-listpack-entries and -value). An answer field
// names its quiz by a 4-character code instead of the quiz id, and an
// answer value is an integer, which listpack stores in 9 bytes: about 18
// bytes per answer. A participant with a complete course (25 quizzes of
// 5 questions, both apps linked, an essay graded twice) takes 3704 bytes
// of MEMORY USAGE over all their keys on Redis 7.0, with the default
// prefix (TestMemoryPerParticipant asserts at most 4096). A course with
// more than 128 questions, or a name over 64 bytes, still works, with
// more memory per participant.
//
// # Errors
//
// Errors wrap the sentinels ErrNotFound, ErrAccountLinked, ErrCodeUsed,
// ErrCodeUnknown and ErrUnavailable; compare with errors.Is. ErrUnavailable
// keeps the go-redis cause for the log.
//
// # Instants
//
// The store reads no clock: every instant comes from the caller and is
// stored in UTC with millisecond precision.
package store

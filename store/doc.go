// Package store keeps all of cohortbot's state in Redis (or Redis Cluster).
// It owns the key layout, the Lua scripts and the translation of redis.Nil
// into bot.ErrNotFound.
//
// Every key of a cohort carries the hash tag {c:<id>} so that each
// multi-key script on a cohort touches one slot; keys that are not a
// cohort's have tags of their own, and no script mixes two tags.
//
// Keys:
//
//	{g}:cohorts                   zset   cohort id → creation time (unix seconds)
//	{c:ID}:meta                   hash   name, plan (JSON), view_key, created, version, group_chat
//	{c:ID}:members                hash   user key → member JSON
//	{c:ID}:invites                set    invite codes of the cohort
//	{c:ID}:past                   hash   user key → former member JSON: role, group, removed (by an organiser), at (ms);
//	                                     what brings a returning person back as they were
//	{c:ID}:roster                 hash   roster person (from 1) → the user who joined as them: one user per person
//	{c:ID}:ph:seq                 string last photo-contest entry number
//	{c:ID}:ph:e                   hash   entry number → entry JSON (author, group, file, caption, category, ...)
//	{c:ID}:ph:st                  hash   entry number → status: draft, pending, approved, rejected, withdrawn
//	{c:ID}:ph:why                 hash   entry number → reason of a rejection
//	{c:ID}:ph:dec                 hash   entry number → audit id of its last moderation decision (names the author's notice)
//	{c:ID}:ph:ok                  zset   approved entry numbers (score = number): the voting order
//	{c:ID}:ph:uid                 hash   file unique id (or content hash) → entry number: one entry per picture
//	{c:ID}:ph:u:USER              set    the author's entry numbers
//	{c:ID}:ph:grp                 hash   group → its entries pending or approved (the "photos" deadline)
//	{c:ID}:ph:ver                 string bumped by every change of an entry, so readers may cache entries
//	{c:ID}:contest                hash   sub_opens, sub_closes, vote_opens, vote_closes (organisers' overrides, unix ms),
//	                                     proposed (voting close whose results went to organisers), announced, votes,
//	                                     wver (bumped by every change of the windows)
//	{c:ID}:vt:u:USER              hash   entry number → weight (thousandths) of the voter's vote for it
//	{c:ID}:vt:voters              set    voters with at least one vote
//	{c:ID}:vt:tally               string each entry's tally, 12 bytes at 12×ENTRY: weighted score in thousandths
//	                                     (BITFIELD i64), then number of voters (i32)
//	{c:ID}:vt:voters:by:ENTRY     set    the voters of the entry: withdrawing it asks only them
//	{c:ID}:vt:kept                hash   user key → votes of theirs that stood when they left after voting closed;
//	                                     they vote no more if voting reopens and they come back
//	{c:ID}:audit                  stream the cohort's audit: kind, user (a pseudonym "#N", never the account), photo,
//	                                     time (ms) and details of every submission, withdrawal, moderation decision,
//	                                     vote, phase change, result; kind, user, session, time, by of every check-in
//	                                     and mark by hand (checkin, mark, unmark); kind, user, serial, time, by of
//	                                     every certificate issued or revoked (certificate, revoke)
//	{c:ID}:audit:who              hash   the audit's pseudonyms: "u:USER" → "#N", "a:#N" → USER, n → last N; leaving
//	                                     deletes the person's two fields, so the audit no longer names them
//	{c:ID}:rp:v                   hash   DEADLINE|GROUP|N → report version N's JSON: file id, name, size, detected type,
//	                                     uploader (removed when they leave), time, late
//	{c:ID}:rp:n                   hash   DEADLINE|GROUP → number of report versions (the "report" deadline is done when > 0)
//	{c:ID}:rp:uid                 hash   DEADLINE|GROUP|UNIQUEID → version number: one version per file
//	{c:ID}:rp:first               hash   GROUP → time (ms) of the group's first report version (the scores' tie-break)
//	{c:ID}:sc:m                   hash   USER|GROUP|K → "MARK:SIDE", a scorer's mark for criterion K of a group's report
//	                                     (SIDE l lecturer, t trainee); USER is anon:N for a scorer who left after the close
//	{c:ID}:sc:note                hash   USER|GROUP → a scorer's note on a group's report
//	{c:ID}:sc:meta                hash   proposed (scoring close, ms, whose ranking went to organisers), announced
//	{c:ID}:sc:anon                string last anonymous scorer number
//	{c:ID}:ck:CODE                hash   session, by, expires (unix ms) of a check-in code; TTL one day, so a late
//	                                     try is told "expired", not "wrong"
//	{c:ID}:at:s:SESSION           hash   user key → presence JSON (at, how: code or hand, by)
//	{c:ID}:at:sessions            set    sessions with a presence recorded (read by Attended and by forgetting)
//	{c:ID}:cert                   hash   user key → certificate JSON (serial, name, course, dates, zone, issuer,
//	                                     issued, revoked, batch): one per member
//	{cert:SERIAL}                 string "cohort user" of the certificate with that serial (verification starts
//	                                     from the serial alone); dropped with the member's data or the cohort
//	{i:CODE}                      hash   cohort, role, uses (-1 unlimited), used, expires (unix ms), revoked, created,
//	                                     person (the roster row, from 1, of a personal link; 0 for none)
//	{i:CODE}:users                set    users who redeemed the invite (makes redeeming idempotent)
//	{u:USER}                      hash   lang, active (cohort id), name, username
//	{u:USER}:cohorts              set    cohort ids the user belongs to
//	{u:USER}:conv                 string conversation state JSON, with a TTL
//	{u:USER}:choices              string Zalo: the numbered choices last sent to the person, JSON {m message id, d [button
//	                                     data…]}, 24 hours (bot/zalo.ChoiceStore); a typed number presses one
//	{u:USER}:floodlog             list   arrival times (ms) of the user's updates in the sliding flood window, newest
//	                                     first; TTL two windows
//	{in}:stream                   stream recorded updates waiting to be handled (group "bot"): u update JSON, k sender
//	{in}:u:USER                   list   ids of the sender's recorded updates not yet acknowledged, in order: only the
//	                                     head may be handled, whichever replica holds it
//	{in}:alive:CONSUMER           string a replica's heartbeat; its pending updates are taken over once it lapses
//	{in}:seen:PLATFORM:ID         string dedupe marker of a recorded update, 7 days (1 hour for an ignored one: bot.Update.Ignored)
//	                                     (on Zalo, which has no update id, ID is a 63-bit hash of message_id: zalo.MessageKey)
//	{in}:offset:PLATFORM          string next getUpdates offset
//	{o}:ready                     zset   outbox job id → not before (unix ms)
//	{o}:ready:a                   zset   the same for direct answers handed over to the outbox (claimed first)
//	{o}:q:CHAT                    list   a chat's handed-over answers in order; the head is ready or in flight
//	{o}:flight                    zset   outbox job id → lease deadline (unix ms) while being sent
//	{o}:j:JOB                     hash   b batch, u user, c chat, m message, st state, n attempts, o owner, r reason,
//	                                     t created, p parts sent; answers: k "a", s reserved slot (ms), g pause gen
//	{o}:b:BATCH                   hash   batch: id, cohort, kind, report_to, lang, title, total, delivered, unreachable, failed, reported
//	{o}:b:BATCH:fail              list   recipients not reached: "u|user|chat|reason" (unreachable) or "x|…" (failed)
//	{o}:done                      zset   batch id → time, finished batches whose report is to be sent
//	{o}:cf:COHORT                 zset   outbox job id → time, a cohort's undelivered messages
//	{l:PLATFORM}:all              string rate limiter: theoretical arrival time (ms) of the bot's sends
//	{l:PLATFORM}:c:CHAT           string rate limiter: the same for one chat
//	{l:PLATFORM}:pause            hash   until (ms): sending paused after a 429; gen, bumped by every pause
//	{l:PLATFORM}:adapt            hash   r rate (msgs/s) set by the last 429, t when (ms): the shared rate climbs back
//	                                     from r to SEND_RATE; absent at full rate
//	{due}:z                       zset   due item id → due time (unix ms)
//	{due}:claimed                 zset   due item id → lease deadline (unix ms) while being processed
//	{due}:i:ID                    hash   kind, cohort, ref, at, lead, payload
//	{due}:c:COHORT                set    a cohort's pending due items
//	{due}:done:ID                 string processed marker, 60 days
//	{due}:run:JOB:UNIX            string a recurring job's run claimed by one replica, 2 days
//
// USER is a bot.UserKey such as telegram:123456.
//
// Two kinds of key name a cohort without its tag, on purpose: {o}:cf:COHORT
// and {due}:c:COHORT belong to the outbox and due-item slots, because the
// scripts that write them run on those slots; DeleteCohort removes them
// with the cohort.
package store

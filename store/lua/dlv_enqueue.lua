-- Queue one item for recipients that do not have it yet.
-- KEYS: 1 queue (zset), 2 the item's states (hash), 3 the item's counts
-- (hash), 4 payloads (hash), 5 leases (hash), 6 the tag's latest item
-- per recipient (hash); all share the {dlv} tag.
-- ARGV: 1 item, 2 due (ms), 3 expires (ms), 4 keep for (ms, for the
-- item's hashes), 5 lease end (ms, 0: none), 6 lease token, 7 payload
-- ("" for none), 8 tag ("" for none), 9.. recipients.
-- A recipient already known to the item (due, sent, anything) is left
-- alone, so queueing again after a crash or on another replica adds
-- nothing. Returns the recipients newly queued; with a lease, those are
-- already taken by the caller's token.
local added = {}
for i = 9, #ARGV do
  local r = ARGV[i]
  if redis.call('HSETNX', KEYS[2], r, 'd') == 1 then
    local member = ARGV[1] .. '|' .. r
    local score = ARGV[2]
    if ARGV[5] ~= '0' then
      score = ARGV[5]
      redis.call('HSET', KEYS[5], member, ARGV[6])
    end
    redis.call('ZADD', KEYS[1], score, member)
    if ARGV[7] ~= '' then
      redis.call('HSET', KEYS[4], member, ARGV[7])
    end
    if ARGV[8] ~= '' then
      redis.call('HSET', KEYS[6], r, ARGV[1])
    end
    added[#added + 1] = r
  end
end
if #added > 0 then
  redis.call('HINCRBY', KEYS[3], 'd', #added)
  redis.call('HSET', KEYS[3], 'exp', ARGV[3])
end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return added

-- Record how one delivery went.
-- KEYS: 1 queue, 2 leases, 3 attempts, 4 payloads, 5 the item's states,
-- 6 the item's counts ({dlv} tag).
-- ARGV: 1 member, 2 recipient, 3 outcome: s sent, u unreachable,
-- f failed for good, x expired, k skipped (not for this recipient), r
-- retry, w wait (not yet due for this recipient: due again at ARGV 5,
-- no try counted); 4 lease token, 5 retry at (ms).
-- A final outcome counts once, whoever reports it: a delivery that was
-- taken again after its lease ran out may be reported twice. A retry is
-- only taken from the current lease holder, so a stale worker cannot
-- delay a delivery someone else holds. Returns 0 if nothing changed,
-- else 1 plus how many of the item's deliveries are still pending.
local state = redis.call('HGET', KEYS[5], ARGV[2])
if state ~= 'd' then
  return 0
end
if ARGV[3] == 'r' or ARGV[3] == 'w' then
  if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[4] then
    return 0
  end
  redis.call('ZADD', KEYS[1], ARGV[5], ARGV[1])
  if ARGV[3] == 'r' then
    redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
  end
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1 + tonumber(redis.call('HGET', KEYS[6], 'd') or '0')
end
redis.call('HSET', KEYS[5], ARGV[2], ARGV[3])
local left = redis.call('HINCRBY', KEYS[6], 'd', -1)
redis.call('HINCRBY', KEYS[6], ARGV[3], 1)
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return 1 + left

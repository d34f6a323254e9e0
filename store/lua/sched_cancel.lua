-- Cancel a scheduled announcement, unless it is going out already.
-- KEYS: 1 queue, 2 leases, 3 attempts, 4 the trigger's states, 5 the
-- trigger's counts, 6 the scheduled list ({dlv} tag).
-- ARGV: 1 the trigger's member, 2 its recipient, 3 the announcement id.
-- The trigger is the delivery that sends the announcement when due. One
-- that was ever taken (it holds a lease, or failed a try) has begun to
-- go out, and may have reached some people already. Returns "ok" when
-- cancelled, "busy" when it has begun, else the trigger's state (false
-- when it was never scheduled).
local state = redis.call('HGET', KEYS[4], ARGV[2])
if state ~= 'd' then
  return state
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  return 'busy'
end
redis.call('ZREM', KEYS[6], ARGV[3])
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], 'k')
redis.call('HINCRBY', KEYS[5], 'd', -1)
redis.call('HINCRBY', KEYS[5], 'k', 1)
return 'ok'

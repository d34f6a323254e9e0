-- Take up to ARGV[3] deliveries that are due.
-- KEYS: 1 queue, 2 leases, 3 attempts, 4 payloads ({dlv} tag).
-- ARGV: 1 now (ms), 2 lease end (ms), 3 how many, 4 lease token.
-- A taken delivery stays in the queue with its lease end as score: if
-- the taker dies before settling it, it is due again then.
-- Returns member, attempts, payload (false when none) per delivery.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, m in ipairs(due) do
  redis.call('ZADD', KEYS[1], ARGV[2], m)
  redis.call('HSET', KEYS[2], m, ARGV[4])
  out[#out + 1] = m
  out[#out + 1] = tonumber(redis.call('HGET', KEYS[3], m) or '0')
  out[#out + 1] = redis.call('HGET', KEYS[4], m)
end
return out

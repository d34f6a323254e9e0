-- Set fields of a hash that must already exist, first removing every
-- field that starts with ARGV[1] unless it is empty (to replace a set
-- kept as fields). KEYS: 1 hash. ARGV: 1 prefix to clear, then
-- field/value pairs. Returns 0 when the hash does not exist, else the
-- profile after the change (HGETALL), for the course's index; kv counts
-- the changes.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if ARGV[1] ~= '' then
  local n = string.len(ARGV[1])
  for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
    if string.sub(f, 1, n) == ARGV[1] then
      redis.call('HDEL', KEYS[1], f)
    end
  end
end
if #ARGV > 1 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
end
redis.call('HINCRBY', KEYS[1], 'kv', 1)
return redis.call('HGETALL', KEYS[1])

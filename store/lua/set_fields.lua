-- Set fields of a hash that must already exist, first removing every
-- field that starts with ARGV[1] unless it is empty (to replace a set
-- kept as fields). KEYS: 1 hash. ARGV: 1 prefix to clear, then
-- field/value pairs. Returns 1, or 0 when the hash does not exist.
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
return 1

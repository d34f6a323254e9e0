-- Use a link code once. KEYS: 1 code key. ARGV: 1 the participant the
-- caller read from it. A used code stays until it expires as "!<id>".
-- Returns {0} unknown/expired, {1, id} used now, {2, id} used before.
local v = redis.call('GET', KEYS[1])
if not v then
  return {0}
end
if string.sub(v, 1, 1) == '!' then
  return {2, string.sub(v, 2)}
end
if v ~= ARGV[1] then
  return {0}
end
redis.call('SET', KEYS[1], '!' .. v, 'KEEPTTL')
return {1, v}

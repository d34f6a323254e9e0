-- Give an unowned key an owner. KEYS: 1 key. ARGV: 1 owner.
-- Returns the owner now stored: ARGV[1] when the claim succeeded.
local owner = redis.call('GET', KEYS[1])
if owner then
  return owner
end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]

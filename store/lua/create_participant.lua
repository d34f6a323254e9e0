-- Create a participant's profile, unless the id is taken.
-- KEYS: 1 profile hash. ARGV: field/value pairs.
-- Returns 1 when created, 0 when the profile already existed.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1

-- Claim a roster code for an account. KEYS: 1 roster hash.
-- ARGV: 1 participant id to give, 2 account ("platform:user"), 3 instant.
-- Returns {0} for an unknown code, else {1, claimed (1 by this call),
-- participant, account, name, cohort, lang, coordinator, claimed at,
-- electives, email, id number, organization type, gender, country}.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0}
end
local claimed = 0
if not redis.call('HGET', KEYS[1], 'p') then
  redis.call('HSET', KEYS[1], 'p', ARGV[1], 'a', ARGV[2], 'u', ARGV[3])
  claimed = 1
end
local e = redis.call('HMGET', KEYS[1], 'p', 'a', 'n', 'co', 'l', 'c', 'u',
  'el', 'd:em', 'd:id', 'd:ot', 'd:g', 'd:cc')
return {1, claimed, e[1], e[2], e[3], e[4], e[5], e[6], e[7],
  e[8], e[9], e[10], e[11], e[12], e[13]}

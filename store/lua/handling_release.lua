-- Drop a claim on a platform event whose handling failed, so the event
-- delivered again can be handled at once. KEYS: 1 the event's handled
-- key. ARGV: 1 claim token. A handled record or another's claim stays.
if redis.call('GET', KEYS[1]) == 'p:' .. ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0

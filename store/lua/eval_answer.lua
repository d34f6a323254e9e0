-- Record one participant's answer to one question of the final
-- evaluation, once, with the counters the results are read from.
-- KEYS (hash tag {ev}): 1 answers hash, 2 answered-count hash, 3
-- counters hash, 4 open answers list, 5 the participant's awaited
-- question. ARGV: 1 participant id, 2 question id, 3 value ("1".."5" a
-- rating, "t" a typed answer, "s" skipped), 4 the typed answer as JSON
-- ("" otherwise), 5 how many questions the evaluation has.
-- Returns {1, "", answered} for a new answer, {0, prior value,
-- answered} when the question was answered before: nothing changes.
local field = ARGV[1] .. ':' .. ARGV[2]
local prior = redis.call('HGET', KEYS[1], field)
if prior then
  return {0, prior, tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')}
end
redis.call('HSET', KEYS[1], field, ARGV[3])
local answered = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HINCRBY', KEYS[3], ARGV[2] .. ':' .. ARGV[3], 1)
if ARGV[3] == 't' then
  redis.call('RPUSH', KEYS[4], ARGV[4])
end
if answered == tonumber(ARGV[5]) then
  redis.call('HINCRBY', KEYS[3], 'done', 1)
end
if redis.call('GET', KEYS[5]) == ARGV[2] then
  redis.call('DEL', KEYS[5])
end
return {1, '', answered}

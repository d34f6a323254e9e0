-- Record one answer, once. KEYS: 1 profile hash, 2 answers hash (same slot).
-- ARGV: 1 answer field (quiz code .. question id), 2 option (0-99),
-- 3 correct (1/0), 4 points, 5 total field (w or e), 6 instant (unix ms),
-- 7 the quiz code (the answer field's prefix), 8.. the quiz's question
-- ids (may be none).
-- Returns {found, new, awarded, stored, w, e, x, xs, answered, right,
-- profile}; found 0 means no such participant and nothing else is
-- returned. answered lists those of the given question ids that are
-- answered and right those answered correctly, so the bot can pick the
-- next question or sum up the quiz without another round trip; the cost
-- grows with the quiz, never with the participant's other answers.
-- profile is the profile hash as HGETALL gives it, so the bot replies in
-- the participant's language without reading it first; the store also
-- indexes the participant from it (see index.go).
-- A new answer also keeps, in the profile, what the course's counters
-- need: ap the points of every answered question, right or wrong, and
-- q<quiz code> how many of the quiz's questions are answered, with a
-- "c" once all the given question ids are; kv counts the changes.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0}
end
local stored = redis.call('HGET', KEYS[2], ARGV[1])
local new, awarded = 0, 0
if not stored then
  -- <ms><option, two digits><correct>: an integer, so listpack keeps it
  -- in 9 bytes.
  stored = ARGV[6] .. string.format('%02d', tonumber(ARGV[2])) .. ARGV[3]
  redis.call('HSET', KEYS[2], ARGV[1], stored)
  new = 1
  if ARGV[3] == '1' then
    awarded = tonumber(ARGV[4])
    if awarded > 0 then
      redis.call('HINCRBY', KEYS[1], ARGV[5], awarded)
    end
  end
  redis.call('HINCRBY', KEYS[1], 'ap', tonumber(ARGV[4]))
  redis.call('HINCRBY', KEYS[1], 'kv', 1)
end
local t = redis.call('HMGET', KEYS[1], 'w', 'e', 'x', 'xs')
local answered, right = {}, {}
if #ARGV > 7 then
  local fields = {}
  for i = 8, #ARGV do
    fields[#fields + 1] = ARGV[7] .. ARGV[i]
  end
  local got = redis.call('HMGET', KEYS[2], unpack(fields))
  for i = 8, #ARGV do
    local v = got[i - 7]
    if v then
      answered[#answered + 1] = ARGV[i]
      if string.sub(v, -1) == '1' then
        right[#right + 1] = ARGV[i]
      end
    end
  end
end
if new == 1 then
  local mark = 'q' .. ARGV[7]
  if #ARGV > 7 then
    local done = ''
    if #answered == #ARGV - 7 then
      done = 'c'
    end
    redis.call('HSET', KEYS[1], mark, #answered .. done)
  else
    local had = string.gsub(redis.call('HGET', KEYS[1], mark) or '0', 'c', '')
    redis.call('HSET', KEYS[1], mark, tonumber(had) + 1)
  end
end
return {1, new, awarded, stored, t[1], t[2], t[3], t[4], answered, right,
  redis.call('HGETALL', KEYS[1])}

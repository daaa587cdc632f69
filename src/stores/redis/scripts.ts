/**
 * Lua scripts of the Redis session store; each runs atomically on the server. Key layout (P = prefix):
 *   P s:<idHash>                  hash: r (record JSON), i, u, ls, ie, ae; expires at min(idle, absolute)
 *   P u:<len(inst)>:<inst>:<user> set of the user's session id hashes (per-user index)
 *   P i:<inst>                    set of the installation's session id hashes
 *   P x                           sorted set: id hash scored by its expiry (purgeExpired)
 *   P wu:<len(inst)>:<inst>:<user> / P wi:<inst>   logout watermarks (never lowered, no TTL)
 * Keys are computed inside the scripts, so this store targets a standalone Redis (not Cluster).
 */
const KEYS = `
local P = ARGV[1]
local function skey(id) return P .. 's:' .. id end
local function ukey(inst, user) return P .. 'u:' .. string.len(inst) .. ':' .. inst .. ':' .. user end
local function ikey(inst) return P .. 'i:' .. inst end
local function wukey(inst, user) return P .. 'wu:' .. string.len(inst) .. ':' .. inst .. ':' .. user end
local function wikey(inst) return P .. 'wi:' .. inst end
local function extend(key, at)
  local current = redis.call('PEXPIRETIME', key)
  if current < 0 or current < tonumber(at) then redis.call('PEXPIREAT', key, at) end
end
local function raise(key, value)
  local current = redis.call('GET', key)
  if not current or tonumber(current) < tonumber(value) then redis.call('SET', key, value) end
end
`;

/** ARGV: P, idHash, inst, user, loginStartedAt, recordJson, lastSeenAt, idleExpiresAt, absoluteExpiresAt, expiry. */
export const CREATE = `${KEYS}
local id, inst, user, started = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local wu = redis.call('GET', wukey(inst, user))
if wu and tonumber(wu) >= started then return 0 end
local wi = redis.call('GET', wikey(inst))
if wi and tonumber(wi) >= started then return 0 end
redis.call('DEL', skey(id))
redis.call('HSET', skey(id), 'r', ARGV[6], 'i', inst, 'u', user, 'ls', ARGV[7], 'ie', ARGV[8], 'ae', ARGV[9])
redis.call('PEXPIREAT', skey(id), ARGV[10])
redis.call('SADD', ukey(inst, user), id)
extend(ukey(inst, user), ARGV[9])
redis.call('SADD', ikey(inst), id)
extend(ikey(inst), ARGV[9])
redis.call('ZADD', P .. 'x', ARGV[10], id)
return 1
`;

/** ARGV: P, idHash, lastSeenAt, idleExpiresAt. */
export const TOUCH = `${KEYS}
local id = ARGV[2]
if redis.call('EXISTS', skey(id)) == 0 then return 0 end
local idle = ARGV[4]
local absolute = redis.call('HGET', skey(id), 'ae')
if tonumber(idle) > tonumber(absolute) then idle = absolute end
redis.call('HSET', skey(id), 'ls', ARGV[3], 'ie', idle)
redis.call('PEXPIREAT', skey(id), idle)
redis.call('ZADD', P .. 'x', idle, id)
return 1
`;

/** ARGV: P, idHash. Returns {inst, user} when a session was deleted. */
export const DELETE = `${KEYS}
local id = ARGV[2]
local f = redis.call('HMGET', skey(id), 'i', 'u')
redis.call('ZREM', P .. 'x', id)
if not f[1] then return false end
redis.call('DEL', skey(id))
redis.call('SREM', ukey(f[1], f[2]), id)
redis.call('SREM', ikey(f[1]), id)
return { f[1], f[2] }
`;

/** ARGV: P, inst, user, watermark. Returns the deleted id hashes. */
export const REVOKE_USER = `${KEYS}
local inst, user = ARGV[2], ARGV[3]
raise(wukey(inst, user), ARGV[4])
local removed = {}
for _, id in ipairs(redis.call('SMEMBERS', ukey(inst, user))) do
  if redis.call('DEL', skey(id)) == 1 then table.insert(removed, id) end
  redis.call('SREM', ikey(inst), id)
  redis.call('ZREM', P .. 'x', id)
end
redis.call('DEL', ukey(inst, user))
return removed
`;

/** ARGV: P, inst, watermark. Returns the deleted id hashes. */
export const REVOKE_INSTALLATION = `${KEYS}
local inst = ARGV[2]
raise(wikey(inst), ARGV[3])
local removed = {}
for _, id in ipairs(redis.call('SMEMBERS', ikey(inst))) do
  local user = redis.call('HGET', skey(id), 'u')
  if user then redis.call('SREM', ukey(inst, user), id) end
  if redis.call('DEL', skey(id)) == 1 then table.insert(removed, id) end
  redis.call('ZREM', P .. 'x', id)
end
redis.call('DEL', ikey(inst))
return removed
`;

/** ARGV: P, now, batch. Deletes up to `batch` sessions expired at `now`; returns {deleted, scanned}. */
export const PURGE = `${KEYS}
local count = 0
local ids = redis.call('ZRANGEBYSCORE', P .. 'x', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', skey(id), 'i', 'u')
  if f[1] then
    redis.call('DEL', skey(id))
    redis.call('SREM', ukey(f[1], f[2]), id)
    redis.call('SREM', ikey(f[1]), id)
    count = count + 1
  end
  redis.call('ZREM', P .. 'x', id)
end
return { count, #ids }
`;

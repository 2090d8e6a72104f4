/**
 * channels_postgres, a Django Channels layer on PostgreSQL (CHANNEL_LAYERS["default"]["BACKEND"] =
 * "channels_postgres.core.PostgresChannelLayer"): it does not use Django's connections but opens its
 * own, once per process (module-level pools), in the processes that run consumers:
 * - 1.1 and later (psycopg 3): one psycopg_pool AsyncConnectionPool made from CONFIG["PSYCOPG_OPTIONS"]
 *   and opened with wait=True (channels_postgres/db.py get_db_pool): min_size connections at once
 *   (default 4), at most max_size (default min_size); plus one connection of its own that LISTENs
 *   for messages (core.py listen_to_all_channels: psycopg.AsyncConnection.connect, LISTEN).
 * - before 1.1 (aiopg, from 0.0.4): `aiopg.create_pool(**db_params, **CONFIG["config"])` (aiopg's
 *   maxsize default 10) and a `short_pool` of maxsize 5 (core.py get_pool, v1.0.6); receiving
 *   LISTENs on connections of the first.
 * Unpinned, the release pip picks: with channels < 4 pinned, 0.0.4 (the last with `channels<4`),
 * else the current one (1.1+) — both assumptions, said.
 */
import type {Extra} from '../../model/process.js'
import type {FileReader} from '../../model/files.js'
import type {PostgresChannelLayer} from './django.js'

import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {pyCandidate} from './candidate.js'
import {entry} from './evaluate.js'
import {pinnedVersion} from './pins.js'
import {unreadFallback} from '../common/setting.js'

const DB_1_1 = 'https://github.com/danidee10/channels_postgres/blob/v1.1.3/channels_postgres/db.py'
const CORE_1_1 = 'https://github.com/danidee10/channels_postgres/blob/v1.1.3/channels_postgres/core.py'
const CORE_1_0 = 'https://github.com/danidee10/channels_postgres/blob/v1.0.6/channels_postgres/core.py'
const PSYCOPG_POOL = 'https://github.com/psycopg/psycopg/blob/master/psycopg_pool/psycopg_pool/base.py'
const AIOPG_POOL = 'https://github.com/aio-libs/aiopg/blob/master/aiopg/pool.py'

/**
 * The connections channels_postgres holds in one consumer process, as extras on the primary; with
 * `sender` (where the app gets the layer to send, outside consumers), what a process that only sends
 * holds: from 1.1 the layer's pool, opened by its first send, as many as its threads send at once (at
 * least min_size, at most max_size), without the LISTEN connection of receivers; before 1.1 nothing more
 * (sends go through Django's ORM).
 */
export function channelsPostgresExtras(layer: PostgresChannelLayer, files: FileReader, server: string, sender?: {file: string; line: number; threads: Sourced<number>}): Extra[] {
  const at = fromFile(layer.file, layer.line)
  const pin = pinnedVersion(files, 'channels_postgres')
  // Unpinned, pip installs the newest release the pinned channels allows: channels < 4 stops at 0.0.4 (`channels<4`).
  const channels = pin ? undefined : pinnedVersion(files, 'channels')
  const oldChannels = channels !== undefined && Number.parseInt(channels.version, 10) < 4
  const [major, minor] = (pin?.version ?? '').split('.').map((n) => Number.parseInt(n, 10))
  const legacy = oldChannels || (pin !== undefined && (major < 1 || (major === 1 && minor < 1)))
  const label = pin?.version ?? (oldChannels ? '0.0.4' : '1.1+')
  const sends: Source[] = sender ? [fromFile(sender.file, sender.line), fromDefault(`the app sends through the channel layer outside consumers (get_channel_layer at ${sender.file}:${sender.line}); channels_postgres opens its pool in this ${server} process at the first send`, DB_1_1)] : []
  const version: Source[] = pin
    ? [fromFile(pin.file, pin.line)]
    : oldChannels
      ? [fromFile(channels.file, channels.line), assumed(`channels_postgres is not pinned; with channels ${channels.version} pip installs 0.0.4, the last release for channels < 4 (aiopg pools)`)]
      : [assumed('channels_postgres is not pinned (requirements.txt, poetry.lock, uv.lock, Pipfile.lock): the current release (1.1+, psycopg_pool) is assumed, which a fresh deploy installs')]
  const option = (dict: string, key: string, what: string, dflt: Sourced<number>): Sourced<number> => {
    const v = entry(entry(layer.config, dict), key)
    if (!v) return dflt
    const read = pyCandidate(v, what)
    return read.value ?? unreadFallback(read.diagnostics, dflt)
  }

  // Before 1.1, send and group_send write through Django's ORM (db.py DatabaseLayer, sync_to_async on the
  // DATABASES alias), which DATABASES already counts; only receiving opens the aiopg pools.
  if (legacy && sender) return []
  if (legacy) {
    const pool = option('config', 'maxsize', 'channels_postgres aiopg maxsize', sourced(10, at, [fromDefault('aiopg create_pool default maxsize 10', AIOPG_POOL)]))
    return [
      {count: {...pool, via: [...(pool.via ?? []), ...version, ...sends]}, kind: 'channels-postgres', reason: `channels_postgres ${label} aiopg pool (one per ${server} process; its LISTENs use it)`},
      {count: sourced(5, at, [fromDefault('channels_postgres 0.0.4 to 1.0.x also open a short_pool of maxsize 5', CORE_1_0), ...version, ...sends]), kind: 'channels-postgres', reason: `channels_postgres ${label} short_pool (one per ${server} process)`},
    ]
  }

  const min = option('PSYCOPG_OPTIONS', 'min_size', 'channels_postgres PSYCOPG_OPTIONS min_size', sourced(4, at, [fromDefault('psycopg_pool default min_size 4', PSYCOPG_POOL)]))
  const max = option('PSYCOPG_OPTIONS', 'max_size', 'channels_postgres PSYCOPG_OPTIONS max_size', {...min, via: [...(min.via ?? []), fromDefault('psycopg_pool max_size defaults to min_size', PSYCOPG_POOL)]})
  const pool: Extra = {count: {...max, via: [...(max.via ?? []), fromDefault('channels_postgres makes one psycopg_pool AsyncConnectionPool per process from CONFIG["PSYCOPG_OPTIONS"] and opens it with wait=True', DB_1_1), ...version, ...sends]}, kind: 'channels-postgres', reason: `channels_postgres psycopg_pool (one per ${server} process${sender ? ' that sends through the layer' : ''})`}
  if (sender) {
    // Sends from `threads` threads at a time: min_size opened at once, more only while sends wait for one.
    const used = Math.min(max.value, Math.max(min.value, sender.threads.value))
    const bound = fromDefault(`a process that only sends holds the pool's min_size (${min.value}) opened at once, and more only while its ${sender.threads.value} thread(s) wait for a connection, up to max_size (${max.value})`, PSYCOPG_POOL)
    return [{...pool, count: sourced(used, pool.count.source, [...(pool.count.via ?? []), sender.threads.source, bound])}]
  }
  return [pool, {count: sourced(1, at, [fromDefault('channels_postgres LISTENs for messages on a connection of its own, outside its pool', CORE_1_1), ...version]), kind: 'channels-postgres', reason: `channels_postgres LISTEN connection (one per ${server} process)`}]
}

import type {Diagnostic} from '../model/diagnostic.js'
import type {PoolEntry} from '../model/process.js'
import type {Rule} from './types.js'

import {countedExtras, inPoolDemand} from '../budget/budget.js'
import {type CommandOrigin, setForType} from '../model/command-site.js'
import {NO_ORM_POOL} from '../model/pool-notes.js'

/** What a threaded server calls its threads. */
const threadNoun: Record<string, string> = {
  good_job: 'GoodJob threads',
  puma: 'Puma max threads',
  que: 'Que workers',
  sidekiq: 'Sidekiq concurrency',
  solid_queue: 'Solid Queue worker threads',
}

/** The change that gives the pool room, in the terms of the app's own stack. */
function fixFor(language: string, f: {db: string; needed: number; onTop: number; origin?: CommandOrigin; sequel?: boolean; plainDefault?: boolean; threads: number; type: string; where?: string; withoutRails?: PoolEntry['withoutRails']}): string {
  const at = f.where ? ` at ${f.where}` : ''
  switch (language) {
    case 'ruby': {
      // Sequel's default pool (languages/ruby/sequel.ts): the option goes where the app connects, there is no database.yml.
      if (f.sequel && !f.where) return `pass max_connections: ${f.needed} where ${f.type}'s app connects Sequel (Sequel.connect(url, max_connections: ${f.needed}), or hanami-model's adapter :sql, url, max_connections: ${f.needed})`
      // ActiveRecord without Rails: nothing reads RAILS_MAX_THREADS; the pool goes where the app connects (its own
      // establish_connection replaces sinatra-activerecord's DATABASE_URL connection).
      // Only for ActiveRecord's plain default: a config the app builds where conncalc does not read it may set a pool (then
      // "raise the pool that … sets", below).
      const noRails = f.plainDefault ? f.withoutRails : undefined
      if (noRails && !f.where) {
        if (noRails.connects) return `pass pool: ${f.needed} to the establish_connection at ${noRails.connects.file}:${noRails.connects.line}${f.db} (no Rails reads RAILS_MAX_THREADS here)`
        return noRails.sinatra
          ? `add ?pool=${f.needed} to DATABASE_URL, which sinatra-activerecord connects ${f.type}'s app with (no Rails reads RAILS_MAX_THREADS here)`
          : `pass pool: ${f.needed} where ${f.type}'s app calls establish_connection (no Rails reads RAILS_MAX_THREADS here)`
      }

      // A pool set by Ruby code (an initializer, a fork hook) is raised where the code sets it; database.yml's would be overridden.
      if (f.where && !f.where.startsWith('config/database.yml')) return `raise the pool${f.db} that ${f.where} sets for ${f.type} to at least ${f.needed}${f.onTop > 0 ? ` (threads + ${f.onTop})` : ''}`
      return f.onTop > 0
        ? `give ${f.type} a pool${f.db} of at least ${f.needed} (threads + ${f.onTop}), e.g. pool: <%= ENV.fetch("RAILS_MAX_THREADS") { ${f.threads} }.to_i + ${f.onTop} %> in database.yml`
        : `give ${f.type} a pool of at least ${f.needed}: e.g. ${setForType(f.origin, f.type, `RAILS_MAX_THREADS=${f.needed}`)}, or pool: <%= ENV.fetch("RAILS_MAX_THREADS") { ${f.needed} } %> in database.yml`
    }

    case 'python': {
      return `give ${f.type}'s engine room for ${f.needed} connections${at} (SQLAlchemy: pool_size + max_overflow ≥ ${f.needed}; Django's "pool": max_size ≥ ${f.needed}), or run fewer threads`
    }

    case 'java': {
      return `raise spring.datasource.hikari.maximum-pool-size${at} to ${f.needed}, or cap the server's worker threads`
    }

    default: {
      return `raise ${f.type}'s pool${at} to at least ${f.needed}, or run fewer threads per process`
    }
  }
}

/**
 * The error a thread gets when the pool stays empty, in the app's own library: ActiveRecord's ConnectionTimeoutError
 * (checkout_timeout 5 s), Sequel's PoolTimeout (pool_timeout 5 s), SQLAlchemy's QueuePool and psycopg_pool (Django's
 * "pool") both wait 30 s by default (QueuePool `timeout=30.0`, lib/sqlalchemy/pool/impl.py; psycopg_pool `timeout: float
 * = 30.0`, psycopg_pool/pool.py), HikariCP's connectionTimeout is 30000 ms (HikariConfig CONNECTION_TIMEOUT).
 */
function timeoutError(language: string, sequel: boolean): string {
  if (sequel) return 'Sequel::PoolTimeout after 5 seconds (pool_timeout)'
  switch (language) {
    case 'ruby': {
      return '"could not obtain a connection from the pool within 5.000 seconds"'
    }

    case 'python': {
      return 'a pool timeout after 30 seconds (SQLAlchemy: "QueuePool limit … reached, connection timed out"; Django\'s pool: psycopg_pool.PoolTimeout)'
    }

    case 'java': {
      return '"Connection is not available, request timed out after 30000ms" (HikariCP)'
    }

    default: {
      return 'a timeout waiting for a connection from the pool'
    }
  }
}

/**
 * Every threaded server: each pool entry must hold the threads that may ask for
 * it at once, plus what extras check out of that same pool (GoodJob's utility
 * connections, Solid Queue's polling and heartbeat, Que's locker, GoodJob's
 * async threads inside Puma). Sidekiq capsules are already in its threads.
 */
export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      // gevent/eventlet: greenlets wait for the pool by design; greenlet-concurrency covers it.
      // An event loop (Node) has no threads to starve: its queries queue for the pool by design.
      // An Elixir node's "threads" are its pools' sum (languages/elixir/elixir.ts): BEAM processes queue for a repo's pool by design.
      if (p.dynos === 0 || p.model.greenlets || p.model.eventLoop || p.language === 'elixir') continue
      const inPool = inPoolDemand(p.model)
      const extras = countedExtras(p.model.extrasPerProcess, p.model).filter((x) => x.inPool)
      const primary = p.model.pools.some((e) => e.database === 'primary') ? 'primary' : p.model.pools[0]?.database
      for (const entry of p.model.pools) {
        const pool = entry.pool.value
        const onTop = inPool.get(entry.database) ?? 0
        const needed = p.threadsPerProcess + onTop
        if (pool >= needed || entry.shared) continue
        const src = entry.pool.source
        // No ActiveRecord or Sequel in the bundle (languages/ruby/pools-in-code.ts): the app's own pool is not read, so
        // whether its threads wait is not known; the assumption's own warning (unknown-config-value) already says so.
        if (src.kind === 'assumed' && src.why.startsWith(NO_ORM_POOL)) continue
        const noun = threadNoun[p.server] ?? `${p.server} threads`
        const db = p.model.pools.length > 1 ? ` of database "${entry.database}"` : ''
        const mine = extras.filter((x) => x.allPools || (x.database ?? primary) === entry.database)
        // Sequel's default pool (languages/ruby/sequel.ts), read or assumed, times out with its own error.
        const sequel = entry.library === 'sequel' || [src, ...(entry.pool.via ?? [])].some((s) => s.kind === 'default' && s.what.startsWith('Sequel '))
        // ActiveRecord without Rails (languages/ruby/activerecord-without-rails.ts): the pool goes where the app calls establish_connection.
        // Code that sets the pool to a value conncalc cannot read (an initializer's `?pool=#{ENV['DB_POOL']}`) leads the
        // assumption's sources (languages/ruby/pools-in-code.ts): the fix names that line, not database.yml.
        const lead = src.kind === 'assumed' ? entry.pool.via?.[0] : undefined
        const site =
          src.kind === 'assumed' && src.why.startsWith('ActiveRecord without Rails')
            ? entry.pool.via?.find((s) => s.kind === 'file')
            : lead?.kind === 'file' && !lead.file.startsWith('config/database.yml')
              ? lead
              : undefined
        const where = src.kind === 'file' ? `${src.file}:${src.line}` : site?.kind === 'file' ? `${site.file}:${site.line}` : undefined
        const what = onTop > 0 ? `${noun} (${p.threadsPerProcess}) + ${mine.map((x) => `${x.count.value} for ${x.reason}`).join(' + ')} = ${needed}` : `${noun} (${p.threadsPerProcess})`
        out.push({
          code: 'pool-below-threads',
          file: src.kind === 'file' ? src.file : undefined,
          fix: fixFor(p.language, {db, needed, onTop, origin: p.model.origin, plainDefault: src.kind === 'default', sequel, type: p.name, threads: p.threadsPerProcess, where, withoutRails: entry.withoutRails}),
          line: src.kind === 'file' ? src.line : undefined,
          message: `pool${db} (${pool}) is below ${what} for ${p.name}: threads will wait for a connection and fail with ${timeoutError(p.language, sequel)}`,
          processType: p.name,
          severity: 'warning',
        })
      }
    }

    return out
  },
  code: 'pool-below-threads',
  severity: 'warning',
  summary: 'A threaded process (Puma, Sidekiq incl. capsules, GoodJob, Solid Queue, Que) needs more connections than its pool holds; threads time out waiting.',
}

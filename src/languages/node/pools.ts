/**
 * Node database pools, from the code that creates them (followed from the
 * entry file) and, when that code cannot be found, from the dependencies with
 * each library's default (domain-facts §5): pg Pool max 10, Prisma ≤ 6
 * connection_limit (physical CPUs × 2 + 1), Prisma 7 driver adapters (pg's 10),
 * knex {min 2, max 10} (knexfile), Sequelize max 5, TypeORM poolSize (pg's 10),
 * Drizzle (pg's 10) and postgres.js max 10.
 */
import type {EvalValue} from '../python/values.js'
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {JsCall, JsModule} from './js.js'
import type {NodeProject} from './project.js'
import type {PackageJson} from './package-json.js'

import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {assumedDefault, pyCandidate} from '../python/candidate.js'
import {asString, entry, isCall, isDict} from '../python/evaluate.js'
import {frameworkPools} from './frameworks.js'
import {returnedBy} from './js.js'
import {versionAtLeast} from '../../util/version.js'

const REF = {
  knex: 'https://github.com/knex/knex/blob/master/lib/client.js',
  pg: 'https://github.com/brianc/node-postgres/blob/master/packages/pg-pool/index.js',
  postgres: 'https://github.com/porsager/postgres#connection-details',
  prisma: 'https://github.com/prisma/prisma-engines/blob/main/quaint/src/pooled.rs',
  prisma7: 'https://www.prisma.io/docs/orm/v7/prisma-client/setup-and-configuration/databases-connections/connection-pool',
  sequelize: 'https://github.com/sequelize/sequelize/blob/v6/src/dialects/abstract/connection-manager.js',
  typeorm: 'https://github.com/typeorm/typeorm/blob/master/src/driver/postgres/PostgresDriver.ts',
}

export interface NodePools {
  diagnostics: Diagnostic[]
  pools: PoolEntry[]
}

interface Found {
  diagnostics: Diagnostic[]
  pools: PoolEntry[]
  libs: Set<string>
}

const at = (c: JsCall, file: string): Source => fromFile(file, c.line)

/** A numeric option read from a config object, else the library default; sourced at the option's line. */
function option(obj: EvalValue | undefined, keys: string[], dflt: Sourced<number>, what: string, diagnostics: Diagnostic[]): Sourced<number> {
  for (const k of keys) {
    const v = entry(obj, k)
    if (!v) continue
    const c = pyCandidate(v, what)
    diagnostics.push(...c.diagnostics)
    // `x ?? 5` whose x could not be read: the app's fallback is used, and that is said where it is.
    const guess = v.kind === 'known' ? v.via.find((s) => s.kind === 'assumed') : undefined
    if (c.value && guess?.kind === 'assumed') diagnostics.push({code: 'unknown-config-value', file: v.file, line: v.line, message: `${what}: ${guess.why}`, severity: 'warning'})
    if (c.value) return c.value
    return assumedDefault(dflt, v, what)
  }

  return dflt
}

const lastDict = (args: EvalValue[]): EvalValue | undefined => [...args].reverse().find((a) => isDict(a))

/** Prisma ≤ 6: `connection_limit` in the URL, else physical CPUs × 2 + 1 (the dyno's CPU count, labelled). */
function prismaLimit(ctx: AnalyzerContext, url: {source: Source; value: string} | undefined, origin: Source): Sourced<number> {
  if (url) {
    try {
      const limit = new URL(url.value).searchParams.get('connection_limit')
      if (limit && /^\d+$/.test(limit)) return sourced(Number(limit), url.source, [fromDefault('Prisma connection_limit URL parameter', 'https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/databases-connections/connection-pool')])
    } catch {
      // Not a URL conncalc can parse: the default applies.
    }
  }

  const n = ctx.dyno?.nproc
  const cpus = n?.value ?? 8
  return sourced(cpus * 2 + 1, origin, [
    fromDefault('Prisma ≤ 6 default connection_limit: physical CPUs × 2 + 1', REF.prisma),
    ...(n ? [n.source, ...(n.via ?? [])] : []),
    assumed(`num_cpus::get_physical() taken as the dyno's ${cpus} CPUs (it may report fewer physical cores)`),
  ])
}

function typeormPool(opts: EvalValue | undefined, origin: Source, diagnostics: Diagnostic[]): Sourced<number> {
  const extra = option(entry(opts, 'extra'), ['max'], sourced(10, origin, [fromDefault("TypeORM passes poolSize to pg's Pool max (default 10)", REF.typeorm)]), 'TypeORM extra.max', diagnostics)
  return option(opts, ['poolSize'], extra, 'TypeORM poolSize', diagnostics)
}

/** Options passed as something conncalc cannot read (an imported object, a function's result): the default is used, and said. */
function unreadOptions(file: string, c: JsCall, v: EvalValue | undefined, what: string, dflt: string): Diagnostic {
  const reason = v?.kind === 'unknown' ? v.reason : 'not an object literal'
  return {code: 'unknown-config-value', file, line: c.line, message: `cannot read the ${what} passed here (${reason}); ${dflt} assumed`, severity: 'warning'}
}

function fromCalls(ctx: AnalyzerContext, pkg: PackageJson | undefined, modules: JsModule[]): Found {
  const diagnostics: Diagnostic[] = []
  const pools: PoolEntry[] = []
  const libs = new Set<string>()
  const add = (lib: string, file: string, c: JsCall, pool: Sourced<number>): void => {
    // Options conncalc cannot see into: an unknown value, or what a function of the app or a library returns.
    const unread = c.args.find((a) => a.kind === 'unknown' || (isCall(a) && returnedBy(a) === a))
    if (!lastDict(c.args) && unread && !/^(drizzle|prisma)/.test(lib)) {
      diagnostics.push(unreadOptions(file, c, unread, `${lib} options`, `its default pool (${pool.value})`))
      pool = assumedDefault(pool, unread, `the ${lib} options`)
    }

    libs.add(lib)
    pools.push({database: `${lib} ${file}:${c.line}`, pool, server: 'DATABASE_URL'})
  }

  const prismaVersion = pkg?.versionOf('@prisma/client') ?? pkg?.versionOf('prisma')
  const all = modules.flatMap((m) => m.calls)
  const nestTypeorm = all.some((c) => /^@nestjs\/typeorm\.TypeOrmModule\.forRoot/.test(c.callee))
  const initializes = all.some((c) => /\.initialize$/.test(c.callee))
  for (const m of modules) {
    for (const c of m.calls) {
      const opts = lastDict(c.args)
      const origin = at(c, m.file)
      if (c.isNew && /^pg(\.default)?\.Pool$|^pg-pool$/.test(c.callee)) {
        add('pg', m.file, c, option(opts, ['max', 'poolSize'], sourced(10, origin, [fromDefault('pg Pool default max', REF.pg)]), 'pg Pool max', diagnostics))
      } else if (/^postgres(\.default)?$/.test(c.callee) && !c.isNew) {
        add('postgres.js', m.file, c, option(opts, ['max'], sourced(10, origin, [fromDefault('postgres.js default max', REF.postgres)]), 'postgres.js max', diagnostics))
      } else if (/^knex(\.knex|\.default)?$/.test(c.callee) && !c.isNew && opts) {
        add('knex', m.file, c, option(entry(opts, 'pool'), ['max'], sourced(10, origin, [fromDefault('knex default pool max (min 2)', REF.knex)]), 'knex pool max', diagnostics))
      } else if (c.isNew && /^sequelize(-typescript)?(\.Sequelize|\.default)?$/.test(c.callee)) {
        add('sequelize', m.file, c, option(entry(opts, 'pool'), ['max'], sourced(5, origin, [fromDefault('Sequelize default pool max', REF.sequelize)]), 'Sequelize pool max', diagnostics))
      } else if (c.isNew && /^typeorm\.DataSource$/.test(c.callee)) {
        // A DataSource connects on initialize(); in a NestJS app that never calls it, it is the TypeORM CLI's (migrations).
        if (nestTypeorm && !initializes) {
          diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: 'this TypeORM DataSource is never initialize()d in the code followed (the TypeORM CLI uses it for migrations); the pool TypeOrmModule opens is counted instead', severity: 'info'})
          continue
        }

        add('typeorm', m.file, c, typeormPool(opts, origin, diagnostics))
      } else if (/^@nestjs\/typeorm\.TypeOrmModule\.forRoot(Async)?$/.test(c.callee)) {
        // forRootAsync({useFactory: (config) => ({…})}): the options are what the factory returns.
        const options = c.callee.endsWith('Async') ? returnedBy(entry(c.args[0], 'useFactory')) : c.args[0]
        if (c.callee.endsWith('Async') && !isDict(options)) diagnostics.push(unreadOptions(m.file, c, options, 'TypeORM options', 'pg Pool default max 10'))
        add('typeorm', m.file, c, typeormPool(isDict(options) ? options : undefined, origin, diagnostics))
      } else if (/^@payloadcms\/db-postgres\.postgresAdapter$/.test(c.callee)) {
        add('pg', m.file, c, option(entry(opts, 'pool'), ['max'], sourced(10, origin, [fromDefault("Payload's postgres adapter creates a pg Pool (default max 10) from `pool`", REF.pg)]), 'pg Pool max', diagnostics))
      } else if (c.isNew && /^@prisma\/adapter-pg\.PrismaPg$/.test(c.callee)) {
        // new PrismaPg(pool): the adapter uses a pg Pool the app made, counted where it was made.
        if (isCall(c.args[0]) && /^pg(\.default)?\.Pool$|^pg-pool$/.test(c.args[0].value.callee)) {
          libs.add('prisma-adapter-pg')
          continue
        }

        add('prisma-adapter-pg', m.file, c, option(c.args[0], ['max'], sourced(10, origin, [fromDefault("Prisma 7 driver adapter: pg's Pool default max applies", REF.prisma7)]), 'PrismaPg max', diagnostics))
      } else if (c.isNew && /(^|\.)PrismaClient$/.test(c.callee)) {
        if (entry(opts, 'adapter') || (prismaVersion && versionAtLeast(prismaVersion, '7.0.0'))) {
          libs.add('prisma') // counted at the adapter
          continue
        }

        const urlValue = entry(entry(entry(opts, 'datasources'), 'db'), 'url') ?? entry(opts, 'datasourceUrl')
        const env = ctx.env.get('DATABASE_URL')
        const url = asString(urlValue) !== undefined && urlValue?.kind === 'known' ? {source: urlValue.via[0] ?? fromFile(m.file, urlValue.line), value: asString(urlValue)!} : env ? {source: env.source, value: env.value} : undefined
        add('prisma', m.file, c, prismaLimit(ctx, url, origin))
      } else if (/^drizzle-orm\/(node-postgres|postgres-js)\.drizzle$/.test(c.callee)) {
        // drizzle(url) / drizzle({connection}) builds its own client; drizzle(pool) reuses one counted above.
        const first = c.args[0]
        if (asString(first) !== undefined || entry(first, 'connection')) {
          const lib = c.callee.includes('postgres-js') ? 'postgres.js' : 'pg'
          add(`drizzle (${lib})`, m.file, c, sourced(10, origin, [fromDefault(`drizzle creates a ${lib} client with its default max of 10`, lib === 'pg' ? REF.pg : REF.postgres)]))
        }
      }
    }
  }

  return {diagnostics, libs, pools}
}

/** knex's usual setup: `knex(knexfile[process.env.NODE_ENV])` — read knexfile's section for NODE_ENV (production on Heroku). */
async function knexfile(ctx: AnalyzerContext, project: NodeProject, diagnostics: Diagnostic[]): Promise<PoolEntry | undefined> {
  const path = ['knexfile.js', 'knexfile.ts', 'knexfile.cjs', 'knexfile.mjs', 'src/knexfile.ts', 'src/knexfile.js'].find((p) => ctx.files.exists(p))
  if (!path) return undefined
  const m = await project.load(path)
  if (!m?.parsed) return undefined
  const exported = m.exports.get('default')
  const nodeEnv = ctx.env.get('NODE_ENV')?.value ?? 'production'
  const config = entry(exported, 'client') ? exported : (entry(exported, nodeEnv) ?? (isDict(exported) ? undefined : exported))
  const line = config?.line ?? exported?.line ?? 1
  const dflt = sourced(10, fromFile(path, line), [fromDefault('knex default pool max (min 2)', REF.knex)])
  if (!config) {
    diagnostics.push({code: 'unknown-config-value', file: path, line: exported?.line ?? 1, message: `${path} has no "${nodeEnv}" section conncalc can read; using knex's default pool`, severity: 'warning'})
  }

  return {database: `knex ${path}`, pool: option(entry(config, 'pool'), ['max'], dflt, 'knex pool max', diagnostics), server: 'DATABASE_URL'}
}

/** Libraries in package.json whose pool was not found in code: their default, labelled. */
function fromDependencies(ctx: AnalyzerContext, pkg: PackageJson, libs: Set<string>): PoolEntry[] {
  const out: PoolEntry[] = []
  const dep = (name: string): boolean => Object.hasOwn(pkg.dependencies, name)
  const line = (name: string): Source => fromFile('package.json', pkg.lineOf(['dependencies', name]) || pkg.lineOf(['devDependencies', name]))
  const why = (lib: string): Source => assumed(`the code that creates the ${lib} pool was not found from the entry file; one pool with the default size assumed`)
  const prismaVersion = pkg.versionOf('@prisma/client') ?? pkg.versionOf('prisma')
  if (dep('@prisma/client') && !libs.has('prisma') && !libs.has('prisma-adapter-pg')) {
    if (prismaVersion && versionAtLeast(prismaVersion, '7.0.0')) {
      out.push({database: 'prisma', pool: sourced(10, line('@prisma/client'), [fromDefault("Prisma 7 driver adapter: pg's Pool default max applies", REF.prisma7), why('prisma')]), server: 'DATABASE_URL'})
    } else {
      const env = ctx.env.get('DATABASE_URL')
      const limit = prismaLimit(ctx, env ? {source: env.source, value: env.value} : undefined, line('@prisma/client'))
      out.push({database: 'prisma', pool: {...limit, via: [...(limit.via ?? []), why('prisma')]}, server: 'DATABASE_URL'})
    }

    return out
  }

  const defaults: [string, string, number, string][] = [
    ['sequelize', 'sequelize', 5, REF.sequelize],
    ['typeorm', 'typeorm', 10, REF.typeorm],
    ['knex', 'knex', 10, REF.knex],
    ['postgres', 'postgres.js', 10, REF.postgres],
  ]
  for (const [name, lib, n, ref] of defaults) {
    if (dep(name) && !libs.has(lib)) {
      out.push({database: lib, pool: sourced(n, line(name), [fromDefault(`${lib} default pool max`, ref), why(lib)]), server: 'DATABASE_URL'})
      return out
    }
  }

  if (dep('pg') && libs.size === 0) out.push({database: 'pg', pool: sourced(10, line('pg'), [fromDefault('pg Pool default max', REF.pg), why('pg')]), server: 'DATABASE_URL'})
  return out
}

export async function nodePools(ctx: AnalyzerContext, project: NodeProject, pkg: PackageJson | undefined, modules: JsModule[], framework?: string): Promise<NodePools> {
  const found = fromCalls(ctx, pkg, modules)
  const diagnostics = [...found.diagnostics]
  const pools = [...found.pools]
  const configured = await frameworkPools(ctx, project, pkg, framework, diagnostics)
  if (configured.length > 0) {
    pools.push(...configured)
    found.libs.add('framework')
  }

  const usesKnex = pkg && Object.hasOwn(pkg.dependencies, 'knex')
  // knex(config) whose config came from elsewhere (the knexfile) has no pool in the call itself.
  const knexWithoutConfig = modules.some((m) => m.calls.some((c) => /^knex(\.knex|\.default)?$/.test(c.callee) && !lastDict(c.args)))
  if (usesKnex && (!found.libs.has('knex') || knexWithoutConfig)) {
    const k = await knexfile(ctx, project, diagnostics)
    if (k) {
      pools.push(k)
      found.libs.add('knex')
    }
  }

  if (pkg) pools.push(...fromDependencies(ctx, pkg, found.libs))
  return {diagnostics, pools}
}

/**
 * Apps whose database pool is set by a framework's own config file or by a
 * packaged server run from node_modules, not by code conncalc can follow from
 * an entry file:
 * - Strapi: `config/database.{js,ts}` (and `config/env/<NODE_ENV>/database.*`
 *   over it) exports `({env}) => ({connection: {client, pool: {max}}})`; Strapi
 *   hands it to knex (default max 10).
 * - Packaged servers started by their CLI (`n8n start`, `directus start`): the
 *   pool is an env var with the product's documented default.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {PackageJson} from './package-json.js'
import type {NodeProject} from './project.js'

import {envCandidate, unreadFallback} from '../common/setting.js'
import {fromDefault, fromFile, sourced} from '../../model/source.js'
import {pyCandidate} from '../python/candidate.js'
import {asString, entry} from '../python/evaluate.js'
import {returnedBy} from './js.js'
import {PACKAGED, type Packaged} from './programs.js'
import {append} from '../../util/arrays.js'

const KNEX = 'https://github.com/knex/knex/blob/master/lib/client.js'
const STRAPI = 'https://docs.strapi.io/cms/configurations/database'
// createConnection(config) → `knex({...config})`: Strapi adds no pool settings of its own (only an afterCreate hook).
const STRAPI_CONNECTION = 'https://github.com/strapi/strapi/blob/develop/packages/core/database/src/connection.ts'
const POSTGRES_CLIENTS = new Set(['pg', 'postgres', 'postgresql'])

async function strapi(ctx: AnalyzerContext, project: NodeProject, diagnostics: Diagnostic[]): Promise<PoolEntry | undefined> {
  const nodeEnv = ctx.env.get('NODE_ENV')?.value ?? 'production'
  const files = [`config/env/${nodeEnv}/database`, 'config/database'].flatMap((b) => ['.js', '.ts', '.mjs', '.cjs'].map((e) => b + e)).filter((f) => ctx.files.exists(f))
  if (files.length === 0) return undefined
  // The environment file is merged over config/database: its keys win.
  for (const file of files) {
    const m = await project.load(file)
    if (!m?.parsed) continue
    const connection = entry(returnedBy(m.exports.get('default')), 'connection')
    const client = asString(entry(connection, 'client'))
    if (client !== undefined && !POSTGRES_CLIENTS.has(client)) {
      diagnostics.push({code: 'unknown-config-value', file, line: entry(connection, 'client')!.line, message: `${file} selects the "${client}" client with this environment (set DATABASE_CLIENT=postgres for Heroku Postgres); knex's pool is counted as if it were PostgreSQL`, severity: 'warning'})
    }

    const max = entry(entry(connection, 'pool'), 'max')
    if (!max && file !== files.at(-1)) continue
    const dflt = sourced(10, fromFile(file, connection?.line ?? 1), [fromDefault("knex's default pool max is 10 (poolDefaults: min 2, max 10)", KNEX), fromDefault('Strapi passes `connection` (its pool included) to knex unchanged and sets no pool of its own', STRAPI_CONNECTION), fromDefault('Strapi database configuration', STRAPI)])
    const got = max ? pyCandidate(max, 'Strapi connection.pool.max') : {diagnostics: []}
    append(diagnostics, got.diagnostics)
    return {database: `strapi ${file}`, pool: got.value ?? unreadFallback(got.diagnostics, dflt), server: 'DATABASE_URL'}
  }

  return undefined
}

export function packagedServer(framework: string | undefined): Packaged | undefined {
  return PACKAGED.find((p) => p.bin === framework)
}

function packaged(ctx: AnalyzerContext, app: Packaged, pkg: PackageJson | undefined, diagnostics: Diagnostic[]): PoolEntry {
  const line = pkg?.lineOf(['dependencies', app.dependency]) ?? 0
  const dflt = sourced(app.max, line > 0 ? fromFile(pkg?.path ?? 'package.json', line) : fromDefault(app.what, app.ref), line > 0 ? [fromDefault(app.what, app.ref)] : [])
  const got = envCandidate(ctx.env, app.env, `${app.bin} pool size`)
  append(diagnostics, got.diagnostics)
  return {database: app.bin, pool: got.value ?? dflt, server: 'DATABASE_URL'}
}

/** The pool a framework or packaged server configures, when the app is one of them. */
export async function frameworkPools(ctx: AnalyzerContext, project: NodeProject, pkg: PackageJson | undefined, framework: string | undefined, diagnostics: Diagnostic[]): Promise<PoolEntry[]> {
  const app = packagedServer(framework)
  if (app) return [packaged(ctx, app, pkg, diagnostics)]
  const deps = pkg?.dependencies ?? {}
  if (framework === 'strapi' || Object.hasOwn(deps, '@strapi/strapi')) {
    const s = await strapi(ctx, project, diagnostics)
    if (s) return [s]
  }

  return []
}

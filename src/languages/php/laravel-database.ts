/**
 * Which database a Laravel app's processes reach: config/database.php's `'default'` connection
 * (`env('DB_CONNECTION', 'mysql')` in the skeleton up to Laravel 10, `'sqlite'` from 11), and that
 * connection's `driver`. Since Laravel 5.8 a connection's `url` (`env('DATABASE_URL')`, `env('DB_URL')`
 * from 11) replaces its driver with the URL's scheme (ConfigurationUrlParser: postgres/postgresql →
 * pgsql), so on Heroku, where heroku-postgresql sets DATABASE_URL, the skeleton's `mysql` connection
 * with `'url' => env('DATABASE_URL')` is PostgreSQL. Read as data (php-array.ts); PHP is never run.
 */
import type {AnalyzerContext} from '../common/types.js'

import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {phpGet, type PhpValue, readPhpConfig} from './php-array.js'

const FILE = 'config/database.php'
const URL_PARSER = 'https://github.com/laravel/framework/blob/10.x/src/Illuminate/Support/ConfigurationUrlParser.php'
const MANAGER = 'https://github.com/laravel/framework/blob/10.x/src/Illuminate/Database/DatabaseManager.php'
/** ConfigurationUrlParser::$driverAliases, and the drivers themselves. */
const SCHEME_DRIVER: Record<string, string> = {mssql: 'sqlsrv', mysql: 'mysql', mysql2: 'mysql', pgsql: 'pgsql', postgres: 'pgsql', postgresql: 'pgsql', sqlite: 'sqlite', sqlite3: 'sqlite', sqlsrv: 'sqlsrv'}

export interface LaravelDatabase {
  /** 1 (a PostgreSQL connection, read or assumed) or 0 (another database, read). */
  connections: Sourced<number>
  /** Set when the processes reach another database: why, for --explain. */
  elsewhere?: string
  /** A warning to give when the connection is only assumed to be PostgreSQL. */
  unset?: {line: number; message: string; name: string}
  /** Set when config/database.php cannot be read far enough to know the driver: what was not read (a warning). */
  unread?: {line: number; message: string}
}

/** The default connection's driver could not be read: 1 PostgreSQL connection per process, assumed and said. */
function unread(line: number, why: string): LaravelDatabase {
  return {connections: sourced(1, fromFile(FILE, line), [assumed(`${FILE}:${line}: ${why}; 1 PostgreSQL connection per process assumed`)]), unread: {line, message: `${why}, so which database the PHP processes reach is not known; conncalc counts 1 PostgreSQL connection per process as an assumption`}}
}

/** The `env('X'…)` a value on `line` reads, from the file's text (php-array gives the value, not the call). */
const envNameAt = (lines: string[], line: number, key: string): string | undefined =>
  new RegExp(`['"]${key}['"]\\s*=>\\s*env\\(\\s*['"](\\w+)['"]`).exec(lines[line - 1] ?? '')?.[1]

/** laravel/framework's version from composer.lock (`"name": "laravel/framework", "version": "v10.48.4"`). */
function frameworkVersion(ctx: AnalyzerContext): number[] | undefined {
  const m = /"name":\s*"laravel\/framework",\s*"version":\s*"v?(\d+)\.(\d+)/.exec(ctx.files.read('composer.lock')?.text ?? '')
  return m ? [Number(m[1]), Number(m[2])] : undefined
}

/**
 * The database a Laravel process's one PDO connection reaches, when config/database.php says: undefined when
 * the app is not Laravel or the file cannot be read as data (then the caller's default stands).
 */
export function laravelDatabase(ctx: AnalyzerContext): LaravelDatabase | undefined {
  if (!ctx.files.exists('artisan')) return undefined
  const file = ctx.files.read(FILE)
  if (!file) return undefined
  const config = readPhpConfig(file.text, ctx.env)
  if (!config) return unread(1, `${FILE} returns no array conncalc can read as data (no \`return [\` nor \`return $variable;\`)`)
  const lines = file.text.split('\n')
  const dflt = phpGet(config, 'default')
  if (dflt?.kind !== 'scalar' || typeof dflt.value !== 'string') return unread(dflt?.line ?? config.line, `the default connection (\`'default' => …\`) is ${dflt ? `\`${dflt.kind === 'unknown' ? dflt.text : String(dflt.kind === 'scalar' ? dflt.value : 'an array')}\`, not a name conncalc can read` : 'not in the array it returns'}`)
  const name = dflt.value
  const envName = dflt.env ?? envNameAt(lines, dflt.line, 'default')
  const setBy = dflt.via ? ctx.env.get(dflt.via) : undefined
  const conn = phpGet(phpGet(config, 'connections'), name)
  if (conn?.kind !== 'array') return unread(dflt.line, `the default connection \`${name}\` is not an array under 'connections' that conncalc can read`)
  const driverValue = phpGet(conn, 'driver')
  const driver = driverValue?.kind === 'scalar' && typeof driverValue.value === 'string' ? driverValue.value : undefined
  const at: Source = fromFile(FILE, dflt.line)
  const chosen: Source[] = setBy ? [setBy.source] : []

  // The connection's `url`, when it is set (or is DATABASE_URL, which the platform's PostgreSQL sets), decides the driver.
  const url = urlDriver(conn, lines, ctx)
  const effective = url?.driver ?? driver
  if (effective === undefined) return unread(driverValue?.line ?? conn.line, `the \`${name}\` connection's driver is not a value conncalc can read`)
  const driverSource: Source[] = url ? url.via : driverValue ? [fromFile(FILE, driverValue.line)] : []
  if (effective === 'pgsql') {
    const what = fromDefault(`Laravel's default connection \`${name}\` uses the pgsql driver: one PDO connection per process`, MANAGER)
    return {connections: sourced(1, at, [...chosen, ...driverSource, what])}
  }

  const other = `config/database.php:${dflt.line}: the default connection \`${name}\` uses the ${effective} driver`
  if (setBy || !envName) {
    // DB_CONNECTION is set (app.json, --env, the Heroku app) or the file names the connection outright: read.
    const why = `${other}${setBy ? ` (${dflt.via} is set)` : ''}, not PostgreSQL: this process holds no connection on the plan`
    return {connections: sourced(0, at, [...chosen, ...driverSource, fromDefault(why, MANAGER)]), elsewhere: why}
  }

  // The file falls back to a non-PostgreSQL connection because DB_CONNECTION is unset here; a Heroku app on
  // Postgres sets it as a config var, which conncalc cannot see without the app. Counted, and said.
  const why = `${other} when ${envName} is unset, and nothing here sets ${envName} (a Heroku app on PostgreSQL sets it as a config var): 1 PostgreSQL connection per process assumed`
  return {
    connections: sourced(1, at, [...driverSource, assumed(why)]),
    unset: {line: dflt.line, message: `${envName} is not set anywhere and ${FILE}:${dflt.line} falls back to the \`${name}\` connection (${effective}), not PostgreSQL; conncalc counts 1 PostgreSQL connection per PHP process as an assumption`, name: envName},
  }
}

/** The driver a connection's `url` gives (ConfigurationUrlParser, Laravel ≥ 5.8), with where it came from. */
function urlDriver(conn: PhpValue, lines: string[], ctx: AnalyzerContext): undefined | {driver: string; via: Source[]} {
  const url = phpGet(conn, 'url')
  if (!url) return undefined
  const version = frameworkVersion(ctx)
  if (version && (version[0] < 5 || (version[0] === 5 && version[1] < 8))) return undefined
  const parser = fromDefault('a connection\'s `url` replaces its driver with the URL\'s scheme (postgres → pgsql) since Laravel 5.8', URL_PARSER)
  const when = version ? [] : [assumed('laravel/framework\'s version is not in composer.lock; ≥ 5.8 (which reads `url`) assumed')]
  if (url.kind === 'scalar' && typeof url.value === 'string' && url.value !== '') {
    const scheme = /^([a-z0-9]+):/i.exec(url.value)?.[1]?.toLowerCase()
    const driver = scheme ? SCHEME_DRIVER[scheme] : undefined
    const set = url.via ? ctx.env.get(url.via) : undefined
    return driver ? {driver, via: [fromFile(FILE, url.line), ...(set ? [set.source] : []), parser, ...when]} : undefined
  }

  // `env('DATABASE_URL')` unset here: on Heroku the PostgreSQL add-on sets it, and it is the database conncalc budgets.
  if (url.kind === 'scalar' && url.value === null && (url.env ?? envNameAt(lines, url.line, 'url')) === 'DATABASE_URL') {
    return {driver: 'pgsql', via: [fromFile(FILE, url.line), fromDefault('DATABASE_URL is the PostgreSQL add-on\'s URL, the database conncalc budgets', 'https://devcenter.heroku.com/articles/heroku-postgresql#designating-a-primary-database'), parser, ...when]}
  }

  return undefined
}

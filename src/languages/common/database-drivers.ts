/**
 * Whether an app can reach PostgreSQL at all, from the packages it installs. An ORM or a
 * DATABASE_URL says nothing about the database until a driver is there: ActiveRecord loads the
 * adapter gem its URL or `adapter:` names (`pg`, `mysql2`, `trilogy`, `sqlite3`), Django and
 * SQLAlchemy the DB-API driver (`psycopg`, `mysqlclient`, `PyMySQL`). An app whose dependency
 * files list another database's driver and no PostgreSQL one holds no connection on the plan,
 * whatever DATABASE_URL points at (its DATABASE_URL is that database's). Pure: text in, finding out.
 */
import {dirname, join} from 'node:path/posix'

import type {Diagnostic} from '../../model/diagnostic.js'
import {type FileReader, filesUnder, onceForFiles} from '../../model/files.js'

import {parseAppJsonFormation} from '../../platform/formation.js'
import {HEROKU_YML_REF, parseHerokuYml} from '../../platform/heroku-yml.js'

/** Files read at most (requirements files naming each other with -r). */
const MAX_FILES = 20

/** Lock files list extras too: they can show a PostgreSQL driver, not another database. */
const LOCKS = new Set(['Pipfile.lock', 'poetry.lock', 'uv.lock'])

export interface OtherDatabase {
  /** The other database's driver(s), as the dependency file names them. */
  drivers: string[]
  file: string
  line: number
}

/** The languages whose dependency files say which database drivers the app installs (Node: languages/node/pools.ts). */
export const DRIVER_LANGUAGES = ['java', 'python', 'ruby'] as const

export type DriverLanguage = (typeof DRIVER_LANGUAGES)[number]

interface DriverLists {
  /** Dependency files, in the order they are searched (lock files last: they list what the others pull in). */
  files: string[]
  other: string[]
  postgres: string[]
  ref: string
}

const LISTS: Record<DriverLanguage, DriverLists> = {
  // The JDBC driver is a Maven/Gradle dependency; spring.datasource.url (or DATABASE_URL) picks among those installed.
  java: {
    files: ['pom.xml', 'build.gradle', 'build.gradle.kts'],
    // H2 and HSQLDB are embedded databases (often for tests only): with no PostgreSQL driver beside them, the app's own.
    other: ['mysql-connector-java', 'mysql-connector-j', 'mariadb-java-client', 'ojdbc6', 'ojdbc8', 'ojdbc10', 'ojdbc11', 'mssql-jdbc', 'sqlite-jdbc', 'h2', 'hsqldb'],
    postgres: ['postgresql', 'r2dbc-postgresql', 'pgjdbc-ng', 'jdbc-postgresql'],
    ref: 'https://jdbc.postgresql.org/documentation/use/',
  },
  python: {
    files: ['requirements.txt', 'requirements/base.txt', 'requirements/common.txt', 'requirements/production.txt', 'requirements/prod.txt', 'requirements-prod.txt', 'Pipfile', 'pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile.lock', 'poetry.lock', 'uv.lock'],
    // MySQL-python is mysqlclient's Python 2 original (the same MySQLdb module, pypi.org/project/MySQL-python), mysql-connector
    // the old name mysql-connector-python was published under, oursql and cymysql (pypi.org/project/cymysql, SQLAlchemy's
    // mysql+cymysql dialect) other MySQL DB-API drivers.
    other: ['mysqlclient', 'mysql-python', 'pymysql', 'cymysql', 'mysql-connector-python', 'mysql-connector', 'oursql', 'aiomysql', 'asyncmy', 'mariadb', 'pymongo', 'motor', 'mongoengine', 'cx-oracle', 'oracledb', 'pyodbc', 'pymssql', 'mssql-django'],
    // django-heroku and dj-database-url's usual companions install psycopg2 themselves; so does django-db-geventpool.
    postgres: ['psycopg', 'psycopg2', 'psycopg2-binary', 'psycopg-binary', 'psycopg-c', 'psycopg2cffi', 'asyncpg', 'pg8000', 'aiopg', 'py-postgresql', 'django-heroku', 'django-on-heroku', 'django-db-geventpool', 'sqlalchemy-cockroachdb', 'psycogreen'],
    ref: 'https://docs.djangoproject.com/en/stable/ref/databases/#postgresql-notes',
  },
  ruby: {
    // Gemfile.lock lists what is installed; an optional gem is in a group, still installed on Heroku unless BUNDLE_WITHOUT drops it.
    files: ['Gemfile.lock'],
    other: ['mysql2', 'trilogy', 'activerecord-trilogy-adapter', 'sqlite3', 'mongoid', 'activerecord-jdbcmysql-adapter', 'activerecord-sqlserver-adapter', 'tiny_tds', 'activerecord-oracle_enhanced-adapter', 'ruby-oci8'],
    postgres: ['pg', 'pg_jruby', 'activerecord-jdbcpostgresql-adapter', 'jdbc-postgres', 'em-pg-client', 'sequel_pg', 'do_postgres', 'postgres-pr', 'postgres', 'ruby-pg'],
    ref: 'https://guides.rubyonrails.org/configuring.html#configuring-a-database',
  },
}

/** How a message names a language's PostgreSQL driver. */
export const POSTGRES_DRIVER_NAMES: Record<DriverLanguage, string> = {java: 'org.postgresql:postgresql', python: 'psycopg, psycopg2, asyncpg', ruby: 'pg'}

/** PEP 503: names compare lower-case, with runs of `-`, `_` and `.` alike; `psycopg[binary]` is psycopg. */
const normal = (name: string): string => name.toLowerCase().replaceAll(/[-_.]+/g, '-')

/** Each language's lists as sets of normalised names, made once. */
const SETS = new Map<DriverLanguage, {other: Set<string>; postgres: Set<string>}>()
const normalised = (language: DriverLanguage): {other: Set<string>; postgres: Set<string>} => {
  let sets = SETS.get(language)
  if (!sets) SETS.set(language, (sets = {other: new Set(LISTS[language].other.map(normal)), postgres: new Set(LISTS[language].postgres.map(normal))}))
  return sets
}

/**
 * What a dependency file lists, by its path, then its text: every process type of an app asks about the
 * same few files (the reader hands back the same string, whose hash V8 keeps, so a lookup does not rescan it).
 */
const LISTED = new Map<string, Map<string, Map<string, number>>>()
const LISTED_MAX = 64

/** A line with `//` outside quotes cut there (Gradle's Groovy/Kotlin comments; `"https://…"` stays). */
function cutLineComment(line: string): string {
  let quote = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = ''
    } else if (c === '"' || c === "'") quote = c
    else if (c === '/' && line[i + 1] === '/') return line.slice(0, i)
  }

  return line
}

/** A Gradle build script: build.gradle(.kts) or a script it applies (gradle/profile_prod.gradle). */
export const isGradleScript = (path: string): boolean => /\.gradle(\.kts)?$/.test(path)

/**
 * The local scripts a Gradle build script applies, as paths from the app root: Groovy `apply from: 'gradle/x.gradle'`
 * (also `"$rootDir/…"`, `"${projectDir}/…"`, `file('…')`, `rootProject.file('…')`) and Kotlin `apply(from = "…")`.
 * Gradle resolves the path against the project's folder (Project.file; `rootDir`/`rootProject` against the root) and
 * runs the script on that project, so its `dependencies { … }` are the project's
 * (https://docs.gradle.org/current/userguide/plugins.html#sec:script_plugins). A script applied under a condition
 * (JHipster's `if (project.hasProperty("prod")) apply from: "gradle/profile_prod.gradle"`) is listed too: the build
 * file cannot say which branch a deploy takes. A URL (`https://…`) is not a file of the app.
 */
export function gradleAppliedScripts(path: string, text: string): string[] {
  const dir = dirname(path) === '.' ? '' : dirname(path)
  const found: string[] = []
  const apply = /\bapply\s*(?:\(\s*from\s*=|from\s*:)\s*(?:(rootProject\.)?(?:project\.)?file\s*\(\s*)?(["'])([^"'\n]+)\2/g
  for (const m of productionBuildText(path, text).matchAll(apply)) {
    let target = m[3].trim()
    if (/^[a-z][\w+.-]*:\/\//i.test(target)) continue
    let root = m[1] !== undefined
    const rooted = /^\$(?:\{rootDir\}|rootDir|\{rootProject\.projectDir\})\/?/.exec(target)
    const projected = /^\$(?:\{projectDir\}|projectDir)\/?/.exec(target)
    if (rooted) {
      target = target.slice(rooted[0].length)
      root = true
    } else if (projected) target = target.slice(projected[0].length)
    if (target.includes('$') || target.startsWith('/')) continue
    const full = join(root ? '' : dir, target)
    if (!full.startsWith('..') && !found.includes(full)) found.push(full)
  }

  return found
}

/**
 * A build file's text as the app's own classpath has it: comments blanked, and the dependencies that
 * only the tests or development get blanked too, lines kept in place — a pom's `<dependency>` with `<scope>test</scope>`
 * (https://maven.apache.org/guides/introduction/introduction-to-dependency-mechanism.html#dependency-scope: "only available
 * for the test compilation and execution phases"), a Gradle dependency in a test configuration (testImplementation,
 * testRuntimeOnly, integrationTestImplementation, androidTestImplementation, testFixturesApi…: the test source sets'
 * classpaths, https://docs.gradle.org/current/userguide/java_plugin.html#tab:configurations) or in Spring Boot's
 * developmentOnly / testAndDevelopmentOnly, which the boot jar leaves out
 * (https://docs.spring.io/spring-boot/gradle-plugin/packaging.html#packaging-executable.configuring.including-development-only-dependencies).
 * A PostgreSQL driver listed only there (an app on MySQL whose tests run on PostgreSQL) is not the app's.
 */
export function productionBuildText(path: string, text: string): string {
  const blank = (m: string): string => m.replaceAll(/[^\n]/g, ' ')
  // Comments first: `<!-- … -->` in a pom, `/* … *\/` and `//` in Gradle (a dependency commented out is not on the classpath).
  const t =
    path === 'pom.xml'
      ? text.replaceAll(/<!--[\s\S]*?-->/g, blank)
      : isGradleScript(path)
        ? text
            .replaceAll(/\/\*[\s\S]*?\*\//g, blank)
            .split('\n')
            .map(cutLineComment)
            .join('\n')
        : text
  if (path === 'pom.xml') return t.includes('<scope>') ? t.replaceAll(/<dependency>[\s\S]*?<\/dependency>/g, (m) => (/<scope>\s*test\s*<\/scope>/.test(m) ? blank(m) : m)) : t
  if (!isGradleScript(path) || !/\b(?:test[A-Z]|[a-z]\w*Test[A-Z]|developmentOnly|testAndDevelopmentOnly)/.test(t)) return t
  const lines = t.split('\n')
  let open = 0
  for (const [i, line] of lines.entries()) {
    // `testImplementation(` over several lines: blanked up to its closing parenthesis.
    if (open > 0 || /^\s*(?:test[A-Z]\w*|[a-z]\w*Test[A-Z]\w*|developmentOnly|testAndDevelopmentOnly)\b(?!\s*[=.{])/.test(line)) {
      open = Math.max(0, open + line.split('(').length - line.split(')').length)
      lines[i] = blank(line)
    }
  }

  return lines.join('\n')
}

/** The package names a dependency file lists, each with its first line. */
function listed(path: string, text: string): Map<string, number> {
  let byText = LISTED.get(path)
  const known = byText?.get(text)
  if (known) return known
  const found = new Map<string, number>()
  if (!byText && LISTED.size < LISTED_MAX) LISTED.set(path, (byText = new Map()))
  if (byText && byText.size < LISTED_MAX) byText.set(text, found)
  const lines = productionBuildText(path, text).split(/\r?\n/)
  for (const [i, raw] of lines.entries()) {
    const line = path === 'pom.xml' || isGradleScript(path) ? raw : raw.replace(/#.*$/, '')
    const names =
      path === 'pom.xml'
        ? [...line.matchAll(/<artifactId>\s*([\w.-]+)\s*<\/artifactId>/g)].map((m) => m[1])
        : isGradleScript(path)
          ? // `implementation 'org.postgresql:postgresql:42.7.4'`, `compile group: 'mysql', name: 'mysql-connector-java'`; a JDBC
            // URL (`url "jdbc:h2:file:./build/db"` in a liquibase or flyway task's block) is not a coordinate.
            [...line.matchAll(/['"](?!jdbc:|r2dbc:)[\w.-]+:([\w.-]+)(?::[^'"]*)?['"]|name:\s*['"]([\w.-]+)['"]/g)].map((m) => m[1] ?? m[2])
          : path === 'Gemfile.lock'
        ? // `    pg (1.5.6)` (a spec), `  pg (~> 1.1)` (a dependency): 4 or 2 spaces, then the name.
          [/^ {2}(?: {2})?([\w.-]+)(?: \(|$)/.exec(line)?.[1]]
        : // `psycopg2==2.9`, `"psycopg[binary]>=3"`, `psycopg2 = "*"`, `name = "psycopg2"` (lock files), `'pymysql',` (setup.py).
          [...line.matchAll(/(?:^|["'\s,[(])([A-Za-z][\w.-]*)(?=\s*(?:\[[\w,\s-]*\])?\s*(?:[=<>~!;,'"\]\s)]|$))/g)].map((m) => m[1])
    for (const n of names) if (n && !found.has(normal(n))) found.set(normal(n), i + 1)
  }

  return found
}

/** The app's other database, when its dependency files list another database's driver and no PostgreSQL one; else undefined. */
export function otherDatabaseOnly(files: FileReader, language: DriverLanguage): (OtherDatabase & {ref: string}) | undefined {
  const lists = LISTS[language]
  const {other, postgres} = normalised(language)
  let first: OtherDatabase | undefined
  const drivers = new Set<string>()
  const queue = [...(language === 'python' ? (pythonInstalled(files) ?? imageInstalled(files)) : lists.files)]
  const seen = new Set<string>()
  while (queue.length > 0 && seen.size < MAX_FILES) {
    const path = queue.shift()!
    if (seen.has(path)) continue
    seen.add(path)
    const file = files.read(path)
    if (!file) continue
    // pip's `-r other.txt` / `--requirement other.txt`, relative to the file that names it (and `-e .`: the app's own package).
    if (language === 'python') queue.push(...requirementIncludes(path, file.text))
    // Gradle's `apply from: 'gradle/profile_prod.gradle'`: the applied script's dependencies are the project's.
    if (language === 'java' && isGradleScript(path)) queue.push(...gradleAppliedScripts(path, file.text))
    // A lock file also lists optional extras (SQLAlchemy's `mysql = ["mysqlclient"]`): it can show PostgreSQL, never another database.
    const lock = LOCKS.has(path)
    for (const [name, line] of listed(path, file.text)) {
      if (postgres.has(name)) return undefined
      if (lock || !other.has(name)) continue
      drivers.add(name)
      first ??= {drivers: [], file: file.path, line}
    }
  }

  return first && {...first, drivers: [...drivers], ref: lists.ref}
}

/** Why an app's processes hold no connection on the plan: its database is another one. */
export interface AnotherDatabase {
  file: string
  line: number
  ref: string
  /** The server its pools are listed on. */
  server: string
  /** What the plain output says once for the app. */
  told: string
  why: string
}

/** app.json add-ons that provide another database (Heroku Button and review apps provision what app.json names). */
const OTHER_ADDONS = /^(cleardb|jawsdb|jawsdb-maria|mongolab|mongohq|objectrocket|graphenedb)(:|$)/i
/** Add-ons that provide PostgreSQL (or a pool in front of it). */
const POSTGRES_ADDONS = /^(heroku-postgresql|heroku-postgres|crunchy-postgres|crunchybridge|timescale|aiven-postgres|neon)/i

/**
 * An app whose app.json provisions another database (ClearDB, JawsDB, mLab) and no PostgreSQL: its
 * DATABASE_URL (or the URL the app reads) is that database's.
 */
function addonDatabase(files: FileReader): AnotherDatabase | undefined {
  const app = manifestAddonDatabase(files, 'app.json')
  const yml = manifestAddonDatabase(files, 'heroku.yml')
  // A PostgreSQL add-on in either manifest: the app has PostgreSQL.
  if (app === null || yml === null) return undefined
  return app ?? yml
}

/** The add-ons app.json (`addons`) or heroku.yml (`setup: addons:`) provisions, each with its line. */
function manifestAddons(path: 'app.json' | 'heroku.yml', text: string): {line: number; plan: string}[] {
  if (path === 'heroku.yml') return parseHerokuYml(text, path).addons
  return parseAppJsonFormation(text, path).addons.map((plan) => {
    const at = text.indexOf(`"${plan}"`)
    return {line: at === -1 ? 1 : text.slice(0, at).split('\n').length, plan}
  })
}

/** The other database a manifest provisions; null when it provisions PostgreSQL; undefined when neither (or no file). */
function manifestAddonDatabase(files: FileReader, path: 'app.json' | 'heroku.yml'): AnotherDatabase | null | undefined {
  const file = files.read(path)
  if (!file) return undefined
  // Every process type asks: each manifest is read once per text (invalid files are reported where their formation or processes are read).
  const key = `${path}\0${file.text}`
  if (ADDON_FINDINGS.has(key)) return ADDON_FINDINGS.get(key)
  const addons = manifestAddons(path, file.text)
  const postgres = addons.some((a) => POSTGRES_ADDONS.test(a.plan))
  const other = postgres ? undefined : addons.find((a) => OTHER_ADDONS.test(a.plan))
  const found: AnotherDatabase | null | undefined = postgres ? null : other
    ? {
        file: file.path,
        line: other.line,
        ref: path === 'app.json' ? 'https://devcenter.heroku.com/articles/app-json-schema#addons' : `${HEROKU_YML_REF}#setup-defining-your-app-s-environment`,
        server: `${other.plan.split(':')[0]} database (${path}'s add-on; no PostgreSQL add-on), not PostgreSQL`,
        told: `${path} provisions ${other.plan} and no PostgreSQL add-on: the app's database is that one, and its processes are counted with 0 PostgreSQL connections`,
        why: `${path} provisions ${other.plan} and no PostgreSQL add-on: the app's database is that one, and this process holds no connection on the plan`,
      }
    : undefined
  if (ADDON_FINDINGS.size < LISTED_MAX) ADDON_FINDINGS.set(key, found)
  return found
}

/** manifestAddonDatabase's finding per manifest and text. */
const ADDON_FINDINGS = new Map<string, AnotherDatabase | null | undefined>()

/** The app's database is another one, by its dependency files (Java, Python, Ruby) or by the add-ons app.json provisions; else undefined. */
export function anotherDatabase(files: FileReader, language: string): AnotherDatabase | undefined {
  // The same answer for every process type of the app (shared: callers copy what they change).
  return onceForFiles(files, anotherDatabaseKey(language), () => anotherDatabaseOf(files, language))
}

/** The onceForFiles key per language, made once (a key built per call is a new string to hash for every process type). */
const anotherDatabaseKey = (language: string): string => {
  let key = ANOTHER_DATABASE_KEYS.get(language)
  if (key === undefined) ANOTHER_DATABASE_KEYS.set(language, (key = `another-database\0${language}`))
  return key
}

const ANOTHER_DATABASE_KEYS = new Map<string, string>()

/**
 * A Ruby app whose Gemfile.lock lists no database driver at all (neither pg nor another database's): nothing in
 * the bundle can open a connection — ActiveRecord's PostgreSQL adapter begins `gem "pg", "~> 1.1"; require "pg"`
 * (RUBY_ADAPTER_REF), so connecting without the gem raises; Sequel's postgres adapter requires pg too. Gemfile.lock
 * lists every gem Bundler installs (dependencies of dependencies too), and Heroku's Ruby buildpack installs exactly
 * that. With no lock the driver is not known, and pools are counted as the app's files say.
 */
function noRubyDriver(files: FileReader): AnotherDatabase | undefined {
  const lock = files.read('Gemfile.lock')
  if (!lock) return undefined
  const names = listed(lock.path, lock.text)
  const {other, postgres} = normalised('ruby')
  for (const name of names.keys()) if (postgres.has(name) || other.has(name)) return undefined
  // The line of the `specs:` list (or the first line): where a driver would be.
  const at = lock.text.split(/\r?\n/).findIndex((l) => l.trim() === 'specs:')
  return {
    file: lock.path,
    line: at >= 0 ? at + 1 : 1,
    ref: RUBY_ADAPTER_REF,
    server: `no database (${lock.path} lists no database driver)`,
    told: `${lock.path} lists no database driver (no pg, nor another database's): nothing in the bundle can connect to PostgreSQL, so the app's processes are counted with 0 connections`,
    why: `${lock.path} lists no database driver (no pg, nor another database's): nothing in the bundle can connect to PostgreSQL, so this process holds no connection on the plan`,
  }
}

/**
 * A PHP app that never connects: PHP opens a database connection only when code asks, through PDO
 * (PHP_PDO_REF) or the pgsql extension's pg_connect / pg_pconnect, or through a library that does (an ORM,
 * DBAL, a framework's database layer). None of those in composer.lock's packages (every package Composer
 * installs, dependencies of dependencies too) or composer.json's require (ext-pdo_pgsql, ext-pgsql), and none of
 * the app's own .php files (vendor/ aside) names PDO, pg_connect or DATABASE_URL: the app opens no connection (a site of
 * templates and an HTTP client). Undefined when any of them does, or when the app has too many files to read.
 */
function noPhpDatabase(files: FileReader): AnotherDatabase | undefined {
  const composer = files.read('composer.json')
  const lock = files.read('composer.lock')
  const names: string[] = []
  for (const f of [composer, lock]) {
    if (!f) continue
    let json: {packages?: {name?: unknown}[]; require?: Record<string, unknown>; 'require-dev'?: unknown}
    try {
      json = JSON.parse(f.text)
    } catch {
      return undefined
    }

    if (f === composer) names.push(...Object.keys(json.require ?? {}))
    else for (const p of json.packages ?? []) if (typeof p.name === 'string') names.push(p.name)
  }

  if (names.some((n) => PHP_DATABASE_PACKAGE.test(n))) return undefined
  const code = filesUnder(files, '', (p) => p.endsWith('.php') && !/(^|\/)vendor\//.test(p), {max: PHP_FILES_READ})
  // Nothing of PHP's to read (no composer.json, no code), or more than conncalc reads: not decided.
  if (code.truncated || (!composer && code.paths.length === 0)) return undefined
  for (const path of code.paths) if (PHP_DATABASE_CALL.test(files.read(path)?.text ?? 'PDO')) return undefined
  const read = [composer?.path, lock?.path].filter((p) => p !== undefined)
  const what = `${read.length === 0 ? '' : `${read.join(' and ')} install${read.length === 1 ? 's' : ''} no database library or PostgreSQL extension, and `}no .php file of the app (${code.paths.length}) names PDO, pg_connect or DATABASE_URL`
  return {
    file: composer?.path ?? code.paths[0] ?? 'composer.json',
    line: 1,
    ref: PHP_PDO_REF,
    server: 'no database (the PHP code connects to none)',
    told: `${what}: the app opens no database connection, and its processes are counted with 0 connections`,
    why: `${what}: this process opens no database connection`,
  }
}

/** PDO: "Connections are established by creating instances of the PDO base class." */
const PHP_PDO_REF = 'https://www.php.net/manual/en/pdo.connections.php'
/** A Composer package that reaches a database: a driver extension, an ORM or DBAL, a framework with a database layer. */
const PHP_DATABASE_PACKAGE = /^ext-(pdo|pgsql|pdo_pgsql|mysqli|pdo_mysql)$|(^|[/_-])(pdo|pgsql|postgres|postgresql|sql|mysql|dbal|orm|database|db|eloquent|propel|medoo|redbean|idiorm|activerecord)($|[/_-])|^doctrine\/doctrine-|^(laravel\/(framework|lumen-framework)|cakephp\/cakephp|yiisoft\/yii2?|codeigniter4?\/framework|drupal\/core|silverstripe\/framework|craftcms\/cms|nette\/database|johnpbloch\/wordpress|roots\/wordpress)$/i
/** What in PHP code opens a connection (new PDO, PDO::, Phalcon's Adapter\\Pdo, pg_connect, pg_pconnect, mysqli) or reads where to (DATABASE_URL, a pgsql: DSN). */
const PHP_DATABASE_CALL = /\bpdo\b|\bpg_p?connect\b|\bmysqli\b|DATABASE_URL|\bpgsql:/i
/** .php files read at most: an app with more is taken to connect (as before). */
const PHP_FILES_READ = 2000

/** Rails loads the adapter's gem when it connects; without it, it raises (the adapter names the gem it needs). */
const RUBY_ADAPTER_REF = 'https://github.com/rails/rails/blob/v8.0.2/activerecord/lib/active_record/connection_adapters/postgresql_adapter.rb'

function anotherDatabaseOf(files: FileReader, language: string): AnotherDatabase | undefined {
  const lang = DRIVER_LANGUAGES.find((l) => l === language)
  if (lang === 'ruby') {
    const none = noRubyDriver(files)
    if (none) return none
  }

  if (language === 'php') {
    const none = noPhpDatabase(files)
    if (none) return none
  }

  const found = lang && otherDatabaseOnly(files, lang)
  if (lang && found) {
    const drivers = found.drivers.join(' and ')
    return {
      file: found.file,
      line: found.line,
      ref: found.ref,
      server: `${drivers} database (no PostgreSQL driver in ${found.file}), not PostgreSQL`,
      told: `${found.file} lists ${drivers} and no PostgreSQL driver (${POSTGRES_DRIVER_NAMES[lang]}): the app's database is that one, and its processes are counted with 0 PostgreSQL connections`,
      why: `${found.file} lists ${drivers} and no PostgreSQL driver (${POSTGRES_DRIVER_NAMES[lang]}): the app's database, DATABASE_URL's too, is that one, and this process holds no connection on the plan`,
    }
  }

  return addonDatabase(files)
}

/** Why a Python app cannot open a PostgreSQL connection: the dependency files it installs list no database driver at all. */
export interface NoDriver {
  /** The dependency file the buildpack installs from (requirements.txt, Pipfile.lock, poetry.lock, uv.lock, setup.py). */
  file: string
  /** Every dependency file read, for the message. */
  read: string[]
  ref: string
  /**
   * Whether the files list every package installed, the dependencies' own included: a lock file (Pipfile.lock,
   * poetry.lock, uv.lock) or a requirements file pip-compile / `uv pip compile` wrote (it resolves every requirement,
   * a git or URL one too, and pins what each pulls in). Otherwise a listed package could still pull a driver in.
   */
  complete: boolean
  /**
   * A requirement whose packages conncalc cannot list (git, a URL, another folder): the files name no driver, but
   * that package could pull one in. noPythonDriver() is then undefined; driverOnlyUnseen() returns this.
   */
  unseen?: {file: string; line: number; text: string}
}

// Heroku's Python buildpack installs from uv.lock, poetry.lock, Pipfile(.lock) or requirements.txt at the app's root
// (a setup.py alone is an image's or another installer's: not decided).
const PY_INSTALLERS = ['uv.lock', 'poetry.lock', 'Pipfile.lock', 'Pipfile', 'requirements.txt']
const PY_INSTALL_REF = 'https://github.com/heroku/heroku-buildpack-python#application-requirements'
/** An extra that pulls a PostgreSQL driver in (`sqlalchemy[postgresql_psycopg2binary]`, `databases[asyncpg]`, `apache-airflow[postgres]`). */
const PG_EXTRA = /\[[^\]\n]*\b(?:postgres\w*|psycopg\w*|asyncpg|pg8000|aiopg|pg)\b[^\]\n]*\]/i
/**
 * A requirement whose package list conncalc cannot see: a VCS or URL requirement, a wheel or archive, a local path
 * other than the app itself (`-e .` is setup.py/pyproject.toml, read). REQ_UNSEEN for requirements files (pip's
 * index options removed first), TABLE_UNSEEN for Pipfile, pyproject.toml and setup files (a git/path/url source).
 */
const REQ_UNSEEN = /(?:git|hg|svn|bzr)\+|^\s*(?:-e|--editable)\s+(?!\.\s*$)|^\s*\.{1,2}\/\S|\.whl\b|\.tar\.gz\b|\s@\s|:\/\//m
const TABLE_UNSEEN = /\{[^}\n]*\b(?:git|path|url|file)\s*=|(?:git|hg|svn|bzr)\+|@\s*(?:https?|file):|dependency_links/
const PIP_OPTIONS = /^\s*(?:-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host)\b.*$/gm
/**
 * The header pip-tools' pip-compile and uv's `uv pip compile` / `uv export` write ("This file is autogenerated by
 * pip-compile with Python 3.x", "This file was autogenerated by uv via the following command"), with the `# via NAME`
 * annotations of pip-tools 5.0 and later and of uv: the file pins every package the install resolves, each
 * requirement's own dependencies too, a git or URL requirement's included (its metadata is built to resolve it; only
 * pip-tools 1.x left a VCS requirement's dependencies out, and wrote no `# via`).
 */
const COMPILED = /^#\s*This file (?:is|was) autogenerated by (?:pip-compile|uv)\b/im
const VIA = /^\s*#\s+via\b/m
/**
 * Packages that depend on a PostgreSQL driver themselves (their setup files list psycopg2, aiopg or asyncpg: channels_postgres
 * aiopg before 1.1, psycopg after; GINO and asyncpgsa asyncpg), and Prisma's Python client, whose query engine (a Rust
 * binary it downloads) speaks to PostgreSQL with no DB-API driver. pgcli, the PostgreSQL shell an app may install beside
 * itself, and its pgspecial install psycopg2 (pgcli < 4: `"psycopg2 >= 2.8"`, `"pgspecial>=1.11.8"` in setup.py) or psycopg
 * (pgcli 4): pass-culture/pass-culture-api imports psycopg2 that only pgcli==2.2.0 in its requirements.txt brings.
 */
const PG_META = new Set(['django-toolbelt', 'apache-airflow-providers-postgres', 'dagster-postgres', 'prefect', 'sqlalchemy-redshift', 'django-tenants', 'django-tenant-schemas', 'channels-postgres', 'gino', 'asyncpgsa', 'prisma', 'pgcli', 'pgspecial'].map(normal))

/**
 * A Python app whose installed dependency files list no database driver at all: neither a PostgreSQL one
 * (nor a package known to pull one in, nor a `[postgresql]`-style extra) nor another database's. Such an
 * app cannot open a PostgreSQL connection (Django's backend, SQLAlchemy's dialect and every ORM import the
 * DB-API driver). Undefined when there is no file the buildpack installs from, when a requirement comes from
 * somewhere conncalc cannot list (git, a URL, another folder), or when heroku.yml builds an image instead.
 */
export function noPythonDriver(files: FileReader): NoDriver | undefined {
  const found = onceForFiles(files, 'no-python-driver', () => noPythonDriverOf(files))
  return found?.unseen ? undefined : found
}

/**
 * The dependency files name no database driver, but a requirement's own packages are not listed (`-e git+…`, a URL):
 * whether that package pulls a PostgreSQL driver in is not known, so pools the code opens are counted as if it did,
 * starred (analyze-app.ts). Undefined when the lists are complete or name a driver.
 */
export function driverOnlyUnseen(files: FileReader): NoDriver | undefined {
  const found = onceForFiles(files, 'no-python-driver', () => noPythonDriverOf(files))
  return found?.unseen ? found : undefined
}

/**
 * A Python build hook that writes the requirements file the buildpack then installs from: heroku-buildpack-python runs
 * bin/pre_compile before installing (bin/steps/hooks/pre_compile), so `curl -L … -o "$BUILD_DIR/requirements.txt"`,
 * `wget -O requirements.txt`, `cp deploy/reqs.txt requirements.txt` or `echo … >> requirements.txt` there make the list
 * installed another one than the app's. Where the hook does it (its line), or undefined.
 */
export function hookWritesRequirements(files: FileReader): {file: string; line: number; text: string} | undefined {
  const file = 'bin/pre_compile'
  const lines = (files.read(file)?.text ?? '').split(/\r?\n/)
  const target = String.raw`["']?(?:\$\{?\w+\}?/|\./)?requirements\.txt["']?`
  const writes = new RegExp(String.raw`(?:\s(?:-o|--output|-O|--output-document)[\s=]+|>>?\s*)${target}(?:\s|;|&|$)|^\s*(?:cp|mv|ln|install)\s.*\s${target}\s*(?:;|&|$)`)
  const at = lines.findIndex((l) => !/^\s*#/.test(l) && writes.test(l))
  return at === -1 ? undefined : {file, line: at + 1, text: lines[at].trim()}
}

/** The app's own package, which `-e .` / `.` in a requirements file installs (its dependencies with it). */
const PROJECT_FILES = ['setup.py', 'setup.cfg', 'pyproject.toml']

/**
 * The files a requirements file makes pip read: `-r other.txt` / `--requirement other.txt` (relative to it), and the
 * app's own setup.py / setup.cfg / pyproject.toml for `-e .` or `.` (extras too). Other files' lines are not requirements.
 */
function requirementIncludes(path: string, text: string): string[] {
  if (!path.endsWith('.txt') && !path.endsWith('.in')) return []
  const out = [...text.matchAll(/^\s*(?:-r|--requirement)[\s=]+(\S+)/gm)].map((m) => join(dirname(path), m[1]).replace(/^\.\//, ''))
  if (/^\s*(?:(?:-e|--editable)\s+)?\.\/?(?:\[[^\]\n]*\])?\s*(?:#.*)?$/m.test(text)) out.push(...PROJECT_FILES)
  return out
}

/**
 * The Python dependency files a Heroku deploy installs: the first of PY_INSTALLERS at the root, with the file the
 * installer reads beside it (Pipfile.lock's Pipfile, poetry.lock's and uv.lock's pyproject.toml; requirements.txt's
 * own `-r` files are followed by the callers), and the requirements files the build hooks (bin/pre_compile,
 * bin/post_compile) or a root Dockerfile install with `pip install -r`. A requirements file nothing installs
 * (requirements/production.txt beside a requirements.txt that does not name it) is not read. Undefined when no
 * installer file is at the root: then the files an app usually keeps its requirements in (LISTS.python.files) are.
 */
function pythonInstalled(files: FileReader): string[] | undefined {
  const installer = PY_INSTALLERS.find((p) => files.exists(p))
  if (!installer) return undefined
  const beside = installer === 'Pipfile.lock' ? ['Pipfile'] : installer === 'poetry.lock' || installer === 'uv.lock' ? ['pyproject.toml'] : []
  const installs = pipInstalled(files, [...PYTHON_BUILD_HOOKS, ...files.list('').filter((n) => /^Dockerfile/.test(n))])
  return [...new Set([installer, ...beside, ...installs])]
}

/**
 * The requirements files the given scripts or Dockerfiles install with `pip install -r FILE`, as repository paths (an
 * image's `/app/` prefix dropped; a path that names no file of the repository, `/requirements/prod.txt` after a COPY
 * elsewhere, left out).
 */
function pipInstalled(files: FileReader, installers: string[]): string[] {
  const installs = installers.flatMap((f) => {
    // Continued lines joined (a Dockerfile's `RUN pip install \` / `  -r a.txt`); every -r of one pip command is
    // installed (`pip install -r requirements/mariadb.txt -r requirements/postgres.txt`).
    const text = (files.read(f)?.text ?? '').replaceAll(/\\\r?\n/g, ' ')
    return [...text.matchAll(/\bpip3?\s+install\b[^\n;&|]*/g)].flatMap((cmd) =>
      [...cmd[0].matchAll(/\s(?:-r|--requirement)[\s=]*["']?([\w./-]+\.(?:txt|in))/g)].map((m) => m[1].replace(/^\.\//, '').replace(/^\/app\//, '')),
    )
  })
  return installs.filter((f) => !f.startsWith('/') && !f.startsWith('..') && files.exists(f))
}

/**
 * With no installer file at the root (an app built only as an image: mdn/kuma's docker/images/kuma_base/Dockerfile
 * runs `pip install -r requirements/dev.txt`, which names `-r default.txt`), the requirements files a Dockerfile of the
 * repository installs (at most 3 folders down), before the names apps usually keep them under.
 */
function imageInstalled(files: FileReader): string[] {
  const dockerfiles = filesUnder(files, '', (p) => /(?:^|\/)Dockerfile[^/]*$/.test(p), {max: 20, maxDepth: 3}).paths
  return [...new Set([...pipInstalled(files, dockerfiles), ...LISTS.python.files])]
}

const PYTHON_BUILD_HOOKS = ['bin/pre_compile', 'bin/post_compile']

function noPythonDriverOf(files: FileReader): NoDriver | undefined {
  if (files.read('heroku.yml')) return undefined
  // A Dockerfile that installs a driver itself (`pip install psycopg2`, or requirements the buildpack does not read).
  for (const name of files.list('')) if (/^Dockerfile/.test(name) && /psycopg|asyncpg|pg8000/i.test(files.read(name)?.text ?? '')) return undefined
  const installer = PY_INSTALLERS.find((p) => files.read(p))
  if (!installer) return undefined
  const {other, postgres} = normalised('python')
  const read: string[] = []
  const start = pythonInstalled(files) ?? LISTS.python.files
  const queue = [...start]
  const seen = new Set<string>()
  // A compiled requirements file (COMPILED) is the install's whole list: its unseen requirements' packages are in it.
  const compiled = (path: string, text: string): boolean => path.endsWith('.txt') && COMPILED.test(text.slice(0, 400)) && VIA.test(text)
  let complete = false
  // The build replaces requirements.txt before installing: what it installs is not the app's list.
  let unseen: NoDriver['unseen'] = installer === 'requirements.txt' ? hookWritesRequirements(files) : undefined
  while (queue.length > 0) {
    const path = queue.shift()!
    if (seen.has(path)) continue
    if (seen.size >= MAX_FILES) return undefined
    seen.add(path)
    const file = files.read(path)
    if (!file) {
      // A requirements file another one names with -r and that is not there: its packages are unknown.
      if (!start.includes(path) && !PROJECT_FILES.includes(path)) return undefined
      continue
    }

    read.push(file.path)
    queue.push(...requirementIncludes(path, file.text))
    const whole = compiled(path, file.text)
    if (path === installer && (LOCKS.has(path) || whole) && !unseen) complete = true
    if (!LOCKS.has(path)) {
      // pyproject.toml's `license = {file = "LICENCE"}` / `readme = {file = "README.md"}` (PEP 621 metadata, not
      // dependencies: https://packaging.python.org/en/latest/specifications/pyproject-toml/#license) name no package.
      const text = file.text.replaceAll(/(?:^|\s)#.*$/gm, '').replaceAll(/^\s*(?:license|readme)\s*=\s*\{[^}\n]*\}/gm, '')
      const requirements = path.endsWith('.txt')
      if (PG_EXTRA.test(text)) return undefined
      if (requirements ? !whole && REQ_UNSEEN.test(text.replaceAll(PIP_OPTIONS, '')) : TABLE_UNSEEN.test(text)) {
        // Kept to say which requirement: the lists' other packages are still read for a driver.
        const lines = file.text.split(/\r?\n/)
        const at = lines.findIndex((l) => (requirements ? REQ_UNSEEN : TABLE_UNSEEN).test(l.replace(/(?:^|\s)#.*$/, '').replace(PIP_OPTIONS, '').replace(/^\s*(?:license|readme)\s*=\s*\{[^}\n]*\}/, '')))
        unseen ??= {file: file.path, line: at + 1 || 1, text: (lines[at] ?? '').trim()}
      }
    }

    for (const name of listed(path, file.text).keys()) if (postgres.has(name) || other.has(name) || PG_META.has(name)) return undefined
  }

  return {complete, file: installer, read, ref: PY_INSTALL_REF, ...(unseen ? {unseen} : {})}
}

/**
 * The plain output's one line for an app whose processes hold no PostgreSQL connection (rules/not-postgresql.ts):
 * the same finding from every process type is merged into one.
 */
export function notPostgresql(at: {file: string; line: number}, message: string, fix: string, processType: string): Diagnostic {
  return {code: 'not-postgresql', file: at.file, fix, line: at.line, message, processType, severity: 'info'}
}

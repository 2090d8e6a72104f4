/**
 * Go apps whose database is picked by a value the open is given: a GORM dialector assigned in the arms of a switch on the
 * database's kind (photoview's `case drivers.POSTGRES: databaseDialect = postgres.Open(…)` then `gorm.Open(databaseDialect,
 * cfg)`, its kind from a module function that switches on an env var with `default:` mysql), or a database/sql driver
 * name from config (`sql.Open(cfg.Driver, dsn)`). go-code.ts chosenDatabase gives the open the guard of the PostgreSQL
 * arm; go.ts leaves it out (0, said) when the kind read is another, and stars the count when the kind is not read and the
 * module requires another database's driver too.
 * Numbers by hand from the fixtures: SetMaxOpenConns(40) sizes the pool (database/sql's cap), on PostgreSQL only.
 */
import {describe, expect, it} from 'vitest'

import {go} from '../../src/languages/go/go.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(go, command, files, env, 'standard-1x')

const GO_MOD = 'module example.com/album\n\ngo 1.22\n\nrequire (\n\tgorm.io/driver/mysql v1.5.7\n\tgorm.io/driver/postgres v1.5.9\n\tgorm.io/driver/sqlite v1.5.6\n\tgorm.io/gorm v1.25.12\n)\n'

// The kind: a named string type, a module function switching on the lower-cased env var, `default:` mysql.
const KINDS = [
  'package kinds',
  '',
  'import (',
  '\t"os"',
  '\t"strings"',
  ')',
  '',
  'type Kind string',
  '',
  'const (',
  '\tMySQL    Kind = "mysql"',
  '\tSQLite   Kind = "sqlite"',
  '\tPostgres Kind = "postgres"',
  ')',
  '',
  'type Setting string',
  '',
  'const DriverSetting Setting = "ALBUM_DB_KIND"',
  '',
  'func (s Setting) Value() string {',
  '\treturn os.Getenv(string(s))',
  '}',
  '',
  'func FromEnv() Kind {',
  '\tvar kind Kind',
  '\traw := strings.ToLower(DriverSetting.Value())',
  '\tswitch raw {',
  '\tcase "sqlite":',
  '\t\tkind = SQLite',
  '\tcase "postgres":',
  '\t\tkind = Postgres',
  '\tdefault:',
  '\t\tkind = MySQL',
  '\t}',
  '\treturn kind',
  '}',
].join('\n')

const STORE = [
  'package store',
  '',
  'import (',
  '\t"os"',
  '',
  '\t"gorm.io/driver/mysql"',
  '\t"gorm.io/driver/postgres"',
  '\t"gorm.io/driver/sqlite"',
  '\t"gorm.io/gorm"',
  '',
  '\t"example.com/album/kinds"',
  ')',
  '',
  'func Open() (*gorm.DB, error) {',
  '\tvar dialect gorm.Dialector',
  '\tkind := kinds.FromEnv()',
  '\tswitch kind {',
  '\tcase kinds.MySQL:',
  '\t\tdialect = mysql.Open(os.Getenv("ALBUM_MYSQL_DSN"))',
  '\tcase kinds.SQLite:',
  '\t\tdialect = sqlite.Open("album.db")',
  '\tcase kinds.Postgres:',
  '\t\tdialect = postgres.Open(os.Getenv("DATABASE_URL"))',
  '\t}',
  '\tdb, err := gorm.Open(dialect, &gorm.Config{})',
  '\tif err != nil {',
  '\t\treturn nil, err',
  '\t}',
  '\tsqlDB, err := db.DB()',
  '\tif err != nil {',
  '\t\treturn nil, err',
  '\t}',
  '\tsqlDB.SetMaxOpenConns(40)',
  '\treturn db, nil',
  '}',
].join('\n')

const MAIN = 'package main\n\nimport "example.com/album/store"\n\nfunc main() {\n\tif _, err := store.Open(); err != nil {\n\t\tpanic(err)\n\t}\n}\n'

const ALBUM = {'go.mod': GO_MOD, 'kinds/kinds.go': KINDS, 'main.go': MAIN, 'store/store.go': STORE}

describe('Go: the database picked by the value an open is given', () => {
  it('a GORM dialector assigned per arm of a switch whose kind defaults to mysql: 0, said, with the env var that picks PostgreSQL', async () => {
    const a = await run('bin/album', ALBUM)
    expect(a.threadsPerProcess.value).toBe(0)
    expect(a.pools).toEqual([])
    const said = a.diagnostics.find((d) => d.code === 'not-postgresql')
    expect(said).toMatchObject({file: 'store/store.go', line: 22, severity: 'info'})
    expect(said?.message).toContain('`kind` is "mysql"')
    expect(said?.fix).toContain('ALBUM_DB_KIND')
    expect(isAssumption(a.threadsPerProcess)).toBe(false)
  })

  it('ALBUM_DB_KIND=Postgres (lower-cased by the app): the PostgreSQL arm, the pool SetMaxOpenConns(40) caps', async () => {
    const a = await run('bin/album', ALBUM, {ALBUM_DB_KIND: 'Postgres'})
    expect(a.pools?.map((p) => p.pool.value)).toEqual([40])
    expect(a.threadsPerProcess.value).toBe(40)
    expect(isAssumption(a.threadsPerProcess)).toBe(false)
  })

  it('ALBUM_DB_KIND=sqlite: 0', async () => {
    expect((await run('bin/album', ALBUM, {ALBUM_DB_KIND: 'sqlite'})).threadsPerProcess.value).toBe(0)
  })

  it('a kind conncalc cannot read: the PostgreSQL arm is counted (40), starred, and said', async () => {
    const files = {...ALBUM, 'kinds/kinds.go': KINDS.replace('raw := strings.ToLower(DriverSetting.Value())', 'raw := strings.ToLower(lookup())') + '\n\nfunc lookup() string {\n\tb, _ := os.ReadFile("/etc/album/kind")\n\treturn string(b)\n}\n'}
    const a = await run('bin/album', files)
    expect(a.threadsPerProcess.value).toBe(40)
    expect(isAssumption(a.threadsPerProcess)).toBe(true)
    expect(describeSourced(a.threadsPerProcess)).toContain('store/store.go:22')
    const said = a.diagnostics.find((d) => d.code === 'unknown-config-value')
    expect(said?.message).toContain('`kind`')
  })

  it('every arm another database (no PostgreSQL dialector): 0', async () => {
    const files = {...ALBUM, 'store/store.go': STORE.replace('dialect = postgres.Open(os.Getenv("DATABASE_URL"))', 'dialect = sqlite.Open(os.Getenv("ALBUM_PG_FILE"))')}
    const a = await run('bin/album', files, {ALBUM_DB_KIND: 'postgres'})
    expect(a.threadsPerProcess.value).toBe(0)
  })
})

// database/sql with the driver name from config: `sql.Open(cfg.Driver, cfg.DSN)`, the module requiring lib/pq and mysql.
const QUEUE = (driver: string) => ({
  'go.mod': 'module example.com/queue\n\ngo 1.22\n\nrequire (\n\tgithub.com/go-sql-driver/mysql v1.8.1\n\tgithub.com/lib/pq v1.10.9\n)\n',
  'main.go': [
    'package main',
    '',
    'import (',
    '\t"database/sql"',
    '\t"os"',
    '',
    '\t_ "github.com/go-sql-driver/mysql"',
    '\t_ "github.com/lib/pq"',
    ')',
    '',
    'func main() {',
    `\tdriver := ${driver}`,
    '\tdb, err := sql.Open(driver, os.Getenv("DATABASE_URL"))',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tdb.SetMaxOpenConns(15)',
    '}',
  ].join('\n'),
})

describe('Go: sql.Open with the driver name in a variable', () => {
  it('from an env var with no value and no fallback: 15 counted, starred (the module has mysql too)', async () => {
    const a = await run('bin/queue', QUEUE('os.Getenv("QUEUE_DB_DRIVER")'))
    expect(a.threadsPerProcess.value).toBe(15)
    expect(isAssumption(a.threadsPerProcess)).toBe(true)
  })

  it('QUEUE_DB_DRIVER=mysql: 0; =postgres: 15, unstarred', async () => {
    expect((await run('bin/queue', QUEUE('os.Getenv("QUEUE_DB_DRIVER")'), {QUEUE_DB_DRIVER: 'mysql'})).threadsPerProcess.value).toBe(0)
    const pg = await run('bin/queue', QUEUE('os.Getenv("QUEUE_DB_DRIVER")'), {QUEUE_DB_DRIVER: 'postgres'})
    expect(pg.threadsPerProcess.value).toBe(15)
    expect(isAssumption(pg.threadsPerProcess)).toBe(false)
  })

  it('a constant "postgres": 15, unstarred', async () => {
    const a = await run('bin/queue', QUEUE('"postgres"'))
    expect(a.threadsPerProcess.value).toBe(15)
    expect(isAssumption(a.threadsPerProcess)).toBe(false)
  })
})

// A URL var of the app's own whose code fallback is a literal (`if u == "" { u = "postgres://localhost/stats" }`): the
// developer's database; the deploy sets the var, so the pool is on the server that var names (Node's rule, spark-stats).
const STATS = (name: string) => ({
  'go.mod': 'module example.com/stats\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n',
  'main.go': [
    'package main',
    '',
    'import (',
    '\t"database/sql"',
    '\t"os"',
    '',
    '\t_ "github.com/lib/pq"',
    ')',
    '',
    'func main() {',
    `\tu := os.Getenv("${name}")`,
    '\tif u == "" {',
    '\t\tu = "postgres://localhost:5432/stats"',
    '\t}',
    '\tdb, err := sql.Open("postgres", u)',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tdb.SetMaxOpenConns(12)',
    '}',
  ].join('\n'),
})

describe("Go: a URL var's code fallback", () => {
  it("STATS_URL with no value, the process's only pool: counted on the plan (12) as the app's own database, starred, naming STATS_URL", async () => {
    const a = await run('bin/stats', STATS('STATS_URL'))
    expect(a.pools?.map((p) => [p.pool.value, p.server])).toEqual([[12, 'DATABASE_URL']])
    expect(isAssumption(a.pools![0].pool)).toBe(true)
    expect(describeSourced(a.pools![0].pool)).toContain('STATS_URL, which has no value here')
  })

  it('DATABASE_URL opened too (a pgxpool beside): the STATS_URL pool is a second database, not on the plan', async () => {
    const files = STATS('STATS_URL')
    const two = {
      ...files,
      'go.mod': files['go.mod'].replace('require github.com/lib/pq v1.10.9', 'require (\n\tgithub.com/jackc/pgx/v5 v5.7.1\n\tgithub.com/lib/pq v1.10.9\n)'),
      'main.go': files['main.go']
        .replace('\t"os"', '\t"context"\n\t"os"\n\n\t"github.com/jackc/pgx/v5/pgxpool"')
        .replace('\tdb.SetMaxOpenConns(12)', '\tdb.SetMaxOpenConns(12)\n\tcfg, _ := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))\n\tcfg.MaxConns = 9\n\tpool, _ := pgxpool.NewWithConfig(context.Background(), cfg)\n\t_ = pool'),
    }
    const a = await run('bin/stats', two)
    expect(a.pools?.map((p) => [p.pool.value, p.server])).toEqual([[9, 'DATABASE_URL']])
    expect(a.otherServerPools?.map((p) => [p.pool.value, p.server])).toEqual([[12, 'unknown server: STATS_URL has no value']])
  })

  it('STATS_URL set: its value decides (DATABASE_URL unset: the plan\'s)', async () => {
    const a = await run('bin/stats', STATS('STATS_URL'), {STATS_URL: 'postgres://u:p@db1/stats'})
    expect(a.pools?.map((p) => [p.pool.value, p.server])).toEqual([[12, 'DATABASE_URL']])
  })

  it('DATABASE_URL with a fallback: the plan\'s', async () => {
    const a = await run('bin/stats', STATS('DATABASE_URL'))
    expect(a.pools?.map((p) => [p.pool.value, p.server])).toEqual([[12, 'DATABASE_URL']])
  })
})

// A module function returning a variable a switch on an env var may change (`size := 10; switch os.Getenv("APP_TIER")
// { case "large": size = 40 }; return size`): read as Go runs it.
const TIER = {
  'go.mod': 'module example.com/tier\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n',
  'main.go': [
    'package main',
    '',
    'import (',
    '\t"database/sql"',
    '\t"os"',
    '',
    '\t_ "github.com/lib/pq"',
    ')',
    '',
    'func poolSize() int {',
    '\tsize := 10',
    '\tswitch os.Getenv("APP_TIER") {',
    '\tcase "large":',
    '\t\tsize = 40',
    '\t}',
    '\treturn size',
    '}',
    '',
    'func main() {',
    '\tdb, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tdb.SetMaxOpenConns(poolSize())',
    '}',
  ].join('\n'),
}

describe('Go: a value a switch on an env var gives in a module function', () => {
  it('APP_TIER unset: no arm taken, the value before the switch (10); APP_TIER=large: 40', async () => {
    const small = await run('bin/tier', TIER)
    expect(small.threadsPerProcess.value).toBe(10)
    expect(isAssumption(small.threadsPerProcess)).toBe(false)
    expect((await run('bin/tier', TIER, {APP_TIER: 'large'})).threadsPerProcess.value).toBe(40)
  })
})

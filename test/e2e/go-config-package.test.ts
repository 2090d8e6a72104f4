/**
 * Go: a pool size set in another package of the module (languages/go/go-code.ts). The binary's main package calls
 * `db.SetMaxOpenConns(X)` where X comes from the module's config package: a package-level variable
 * (`config.PoolSize`), the field of a struct its loader returns (`cfg := config.Load()` with one
 * `return Config{MaxConns: …}`), each filled by the module's own env helper (`intFromEnv("DB_MAX_CONNS", 12)`: a
 * function that reads the variable its first parameter names and returns its second, the fallback). Before, each was
 * "not something conncalc evaluates": 1 connection, starred and warned.
 *
 * App (temp, made up): module example.com/ledger, Procfile `web: ledger`, main.go sql.Open + SetMaxOpenConns, net/http;
 * config/config.go `var PoolSize = intFromEnv("DB_POOL", 9)`, `func Load() Config { return Config{…, MaxConns:
 * intFromEnv("DB_MAX_CONNS", 12)} }`.
 *   SetMaxOpenConns(cfg.MaxConns): 12; with --env DB_MAX_CONNS=30: 30.
 *   SetMaxOpenConns(config.PoolSize): 9; with --env DB_POOL=4: 4.
 *   a helper that is not an env helper (`func pick(a, b int) int`): still unknown, 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const config = [
  'package config',
  '',
  'import (',
  '\t"os"',
  '\t"strconv"',
  ')',
  '',
  'type Config struct {',
  '\tPort     string',
  '\tMaxConns int',
  '}',
  '',
  'var PoolSize = intFromEnv("DB_POOL", 9)',
  '',
  'func intFromEnv(name string, fallback int) int {',
  '\tif v, err := strconv.Atoi(os.Getenv(name)); err == nil {',
  '\t\treturn v',
  '\t}',
  '\treturn fallback',
  '}',
  '',
  'func pick(a, b int) int {',
  '\tif a > b {',
  '\t\treturn a',
  '\t}',
  '\treturn b',
  '}',
  '',
  'func Load() Config {',
  '\treturn Config{Port: os.Getenv("PORT"), MaxConns: intFromEnv("DB_MAX_CONNS", 12)}',
  '}',
  '',
  'func Picked() int { return pick(3, 5) }',
  '',
].join('\n')

const main = (cap: string): string =>
  [
    'package main',
    '',
    'import (',
    '\t"database/sql"',
    '\t"net/http"',
    '\t"os"',
    '',
    '\t_ "github.com/lib/pq"',
    '',
    '\t"example.com/ledger/config"',
    ')',
    '',
    'func main() {',
    '\tcfg := config.Load()',
    '\tdb, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    `\tdb.SetMaxOpenConns(${cap})`,
    '\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { db.Ping() })',
    '\thttp.ListenAndServe(":"+cfg.Port, nil)',
    '}',
    '',
  ].join('\n')

const plan = (cap: string, env: string[] = []) => {
  const dir = app({Procfile: 'web: ledger\n', 'config/config.go': config, 'go.mod': 'module example.com/ledger\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n', 'main.go': main(cap)})
  return planJson(join(dir, 'Procfile'), ['--limit', '100', '--scale', 'web=1', ...env.flatMap((e) => ['--env', e])])
}

describe('Go: a pool size from the module config package', () => {
  it('cfg.MaxConns of config.Load() (its one return literal, filled by intFromEnv("DB_MAX_CONNS", 12)): 12; DB_MAX_CONNS=30: 30', () => {
    const r = plan('cfg.MaxConns')
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 12})
    expect(r.codes).not.toContain('unknown-config-value')
    expect(plan('cfg.MaxConns', ['DB_MAX_CONNS=30']).type('web')).toMatchObject({connections: 30})
  })

  it('config.PoolSize (a package variable of another package): 9; DB_POOL=4: 4', () => {
    expect(plan('config.PoolSize').type('web')).toMatchObject({connections: 9})
    expect(plan('config.PoolSize', ['DB_POOL=4']).type('web')).toMatchObject({connections: 4})
  })

  it('a function that is no env helper (config.Picked() → pick(3, 5)): still unknown, 1 and warned', () => {
    const r = plan('config.Picked()')
    expect(r.type('web')).toMatchObject({connections: 1})
    expect(r.codes).toContain('unknown-config-value')
  })
})

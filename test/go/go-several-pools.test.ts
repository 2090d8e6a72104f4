/**
 * Go apps with more than one pool, or one pool reached two ways (go.ts sequentialSqlPools, setting, OpenDBFromPool; go-code.ts
 * defaultedReturn). Shapes from ente-io/ente's museum (setupDatabase and setupLatencySensitiveDatabase, each `sql.Open` +
 * its own SetMaxOpenConns, both called from main) and frain-dev/convoy (a pgxpool sized by a config method that returns a
 * default when the setting is <= 0, a database/sql handle over it by pgx's stdlib.OpenDBFromPool, and a second small pool
 * whose cap is a constant). Numbers by hand: database/sql's MaxOpenConns is per *sql.DB (database/sql/sql.go), so two
 * handles opened one after another hold up to the sum; OpenDBFromPool's *sql.DB takes its connections from the pgxpool
 * (pgx v5 stdlib/sql.go), so its SetMaxOpenConns adds none.
 */
import {describe, expect, it} from 'vitest'

import {go} from '../../src/languages/go/go.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(go, command, files, env, 'standard-1x')

const GO_MOD = 'module example.com/vault\n\ngo 1.23\n\nrequire github.com/lib/pq v1.10.9\n'

// ente's shape: two functions, each opening and capping its own handle, called in sequence from main (or, below, in arms
// of a switch: only one runs).
const TWO_HANDLES = (mainBody: string[]) => ({
  'cmd/vault/main.go': [
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
    ...mainBody,
    '}',
    '',
    'func setupDatabase() *sql.DB {',
    '\tdb, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tdb.SetMaxIdleConns(30)',
    '\tdb.SetMaxOpenConns(60)',
    '\treturn db',
    '}',
    '',
    'func setupFastDatabase() *sql.DB {',
    '\tdb, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tdb.SetMaxOpenConns(100)',
    '\treturn db',
    '}',
  ].join('\n'),
  'go.mod': GO_MOD,
})

// convoy's shape: the pool's MaxConns from a config method with a default, database/sql over it, a constant-capped lock pool.
const OVER_POOL = {
  'cmd/relay/main.go': [
    'package main',
    '',
    'import (',
    '\t"github.com/kelseyhightower/envconfig"',
    '',
    '\t"example.com/relay/config"',
    '\t"example.com/relay/database"',
    ')',
    '',
    'func main() {',
    '\tvar cfg config.DatabaseConfiguration',
    '\tif err := envconfig.Process("relay", &cfg); err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tdatabase.Open(cfg)',
    '\tdatabase.OpenLocks(cfg)',
    '}',
  ].join('\n'),
  'config/config.go': [
    'package config',
    '',
    'type DatabaseConfiguration struct {',
    '\tDSN          string `envconfig:"RELAY_DB_DSN"`',
    '\tMaxOpenConns int    `envconfig:"RELAY_DB_MAX_OPEN_CONN"`',
    '}',
    '',
    'const DefaultMaxOpenConnections = 100',
    '',
    'func (dc DatabaseConfiguration) EffectiveMaxOpenConnections() int {',
    '\tif dc.MaxOpenConns <= 0 {',
    '\t\treturn DefaultMaxOpenConnections',
    '\t}',
    '\treturn dc.MaxOpenConns',
    '}',
  ].join('\n'),
  'database/database.go': [
    'package database',
    '',
    'import (',
    '\t"context"',
    '',
    '\t"github.com/jackc/pgx/v5/pgxpool"',
    '\t"github.com/jackc/pgx/v5/stdlib"',
    '\t"github.com/jmoiron/sqlx"',
    '',
    '\t"example.com/relay/config"',
    ')',
    '',
    'const lockMaxConns = 16',
    '',
    'func Open(dbConfig config.DatabaseConfiguration) *sqlx.DB {',
    '\tpgxCfg, err := pgxpool.ParseConfig(dbConfig.DSN)',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tmaxConns := dbConfig.EffectiveMaxOpenConnections()',
    '\tpgxCfg.MaxConns = int32(maxConns)',
    '\tpool, err := pgxpool.NewWithConfig(context.Background(), pgxCfg)',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tdb := sqlx.NewDb(stdlib.OpenDBFromPool(pool), "pgx")',
    '\tdb.SetMaxOpenConns(maxConns)',
    '\treturn db',
    '}',
    '',
    'func OpenLocks(dbConfig config.DatabaseConfiguration) *sqlx.DB {',
    '\tpoolCfg, err := pgxpool.ParseConfig(dbConfig.DSN)',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tpoolCfg.MaxConns = int32(lockMaxConns)',
    '\tpool, err := pgxpool.NewWithConfig(context.Background(), poolCfg)',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tdb := sqlx.NewDb(stdlib.OpenDBFromPool(pool), "pgx")',
    '\tdb.SetMaxOpenConns(lockMaxConns)',
    '\treturn db',
    '}',
  ].join('\n'),
  'go.mod': 'module example.com/relay\n\ngo 1.23\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.7.1\n\tgithub.com/jmoiron/sqlx v1.4.0\n\tgithub.com/kelseyhightower/envconfig v1.4.0\n)\n',
}

describe('Go: several pools, and database/sql over a pgxpool', () => {
  it('two handles opened in functions main calls one after another, capped 60 and 100: 160, each pool named', async () => {
    const a = await run('bin/vault', TWO_HANDLES(['\tdb := setupDatabase()', '\tfast := setupFastDatabase()', '\t_, _ = db, fast']))
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['database/sql cmd/vault/main.go:17', 60],
      ['database/sql cmd/vault/main.go:27', 100],
    ])
    expect(a.threadsPerProcess.value).toBe(160)
    expect(isAssumption(a.threadsPerProcess)).toBe(false)
    expect(describeSourced(a.pools![0].pool)).toContain('add up')
  })

  it('the same two functions called in arms of a switch (one runs): the largest, 100, starred', async () => {
    const body = ['\tswitch os.Getenv("MODE") {', '\tcase "fast":', '\t\tsetupFastDatabase()', '\tdefault:', '\t\tsetupDatabase()', '\t}']
    const a = await run('bin/vault', TWO_HANDLES(body))
    expect(a.pools?.map((p) => p.pool.value)).toEqual([100])
    expect(isAssumption(a.pools![0].pool)).toBe(true)
    expect(describeSourced(a.pools![0].pool)).toContain('the largest is counted')
  })

  it('database/sql over the pgxpool adds no pool; RELAY_DB_MAX_OPEN_CONN unset and no default tag: the field keeps Go\'s zero value, so the method returns its default 100 (the larger beside the lock pool 16), starred, the unset variable named', async () => {
    // envconfig.Process leaves a field with no value and no `default` tag as it was: the zero value of a fresh
    // `var cfg config.DatabaseConfiguration`, 0 (kelseyhightower/envconfig envconfig.go process()).
    const a = await run('bin/relay', OVER_POOL)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([100])
    expect(a.threadsPerProcess.value).toBe(100)
    expect(isAssumption(a.pools![0].pool)).toBe(true)
    expect(describeSourced(a.pools![0].pool)).toContain("RELAY_RELAY_DB_MAX_OPEN_CONN and RELAY_DB_MAX_OPEN_CONN are unset and DatabaseConfiguration.MaxOpenConns has no default tag: it keeps Go's zero value 0")
    expect(describeSourced(a.pools![0].pool)).toContain('stdlib.OpenDBFromPool')
  })

  it('the same field also set in code (`cfg.MaxOpenConns = limit()` of a function conncalc cannot read): not taken as 0; the unread pool named beside the lock pool, 16*', async () => {
    const main = OVER_POOL['cmd/relay/main.go'].replace('\tdatabase.Open(cfg)', '\tcfg.MaxOpenConns = limit()\n\tdatabase.Open(cfg)')
    const a = await run('bin/relay', {...OVER_POOL, 'cmd/relay/main.go': main})
    expect(a.pools?.map((p) => p.pool.value)).toEqual([16])
    expect(isAssumption(a.pools![0].pool)).toBe(true)
    expect(describeSourced(a.pools![0].pool)).toContain('pgxpool MaxConns is also set at database/database.go:21, which conncalc cannot read')
  })

  it('RELAY_DB_MAX_OPEN_CONN=0: the method returns its default 100; =50: 50 (the larger of it and the lock pool)', async () => {
    const zero = await run('bin/relay', OVER_POOL, {RELAY_DB_MAX_OPEN_CONN: '0'})
    expect(zero.pools?.map((p) => p.pool.value)).toEqual([100])
    expect(describeSourced(zero.pools![0].pool)).toContain('config/config.go:11')
    const fifty = await run('bin/relay', OVER_POOL, {RELAY_DB_MAX_OPEN_CONN: '50'})
    expect(fifty.pools?.map((p) => p.pool.value)).toEqual([50])
  })
})

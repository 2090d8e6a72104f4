/**
 * Go apps that open PostgreSQL only when their config picks it, and default to another database (usememos/memos'
 * `switch profile.Driver { case "postgres": postgres.NewDB(profile) }` with viper's default "sqlite", go-vikunja/vikunja's
 * `switch config.DatabaseType.GetString()` with `setDefault("sqlite")`): go-code.ts driverGuard finds the branch (in the
 * function or in every caller of it), go.ts unchosenDatabase leaves its opens and caps out when the value read is not
 * one of its strings. When that was every PostgreSQL open, the process opens none: 0, said (not-postgresql).
 * Numbers by hand from the fixtures: the pool is SetMaxOpenConns's argument (database/sql), on the branch taken.
 */
import {describe, expect, it} from 'vitest'

import {go} from '../../src/languages/go/go.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(go, command, files, env, 'standard-1x')

// memos' shape: main fills a profile from viper (default "sqlite", env NOTES_DRIVER through the prefix), the store
// package switches on the profile's Driver, the postgres package opens and caps the pool.
const NOTES = {
  'cmd/notes/main.go': [
    'package main',
    '',
    'import (',
    '\t"github.com/spf13/viper"',
    '',
    '\t"example.com/notes/internal/profile"',
    '\t"example.com/notes/store/db"',
    ')',
    '',
    'func main() {',
    '\tviper.SetDefault("driver", "sqlite")',
    '\tviper.SetEnvPrefix("notes")',
    '\tviper.AutomaticEnv()',
    '\tp := &profile.Profile{Driver: viper.GetString("driver"), DSN: viper.GetString("dsn")}',
    '\tif _, err := db.NewDBDriver(p); err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '}',
  ].join('\n'),
  'go.mod': 'module example.com/notes\n\ngo 1.23\n\nrequire (\n\tgithub.com/lib/pq v1.10.9\n\tgithub.com/spf13/viper v1.19.0\n\tmodernc.org/sqlite v1.34.1\n)\n',
  'internal/profile/profile.go': 'package profile\n\ntype Profile struct {\n\tDriver string\n\tDSN    string\n}\n',
  'store/db/db.go': [
    'package db',
    '',
    'import (',
    '\t"database/sql"',
    '\t"errors"',
    '',
    '\t"example.com/notes/internal/profile"',
    '\t"example.com/notes/store/db/postgres"',
    '\t"example.com/notes/store/db/sqlite"',
    ')',
    '',
    'func NewDBDriver(profile *profile.Profile) (*sql.DB, error) {',
    '\tswitch profile.Driver {',
    '\tcase "sqlite":',
    '\t\treturn sqlite.NewDB(profile)',
    '\tcase "postgres":',
    '\t\treturn postgres.NewDB(profile)',
    '\t}',
    '\treturn nil, errors.New("unknown db driver")',
    '}',
  ].join('\n'),
  'store/db/postgres/postgres.go': [
    'package postgres',
    '',
    'import (',
    '\t"database/sql"',
    '',
    '\t_ "github.com/lib/pq"',
    '',
    '\t"example.com/notes/internal/profile"',
    ')',
    '',
    'func NewDB(p *profile.Profile) (*sql.DB, error) {',
    '\tdb, err := sql.Open("postgres", p.DSN)',
    '\tif err != nil {',
    '\t\treturn nil, err',
    '\t}',
    '\tdb.SetMaxOpenConns(20)',
    '\treturn db, nil',
    '}',
  ].join('\n'),
  'store/db/sqlite/sqlite.go': 'package sqlite\n\nimport (\n\t"database/sql"\n\n\t_ "modernc.org/sqlite"\n\n\t"example.com/notes/internal/profile"\n)\n\nfunc NewDB(p *profile.Profile) (*sql.DB, error) {\n\treturn sql.Open("sqlite", p.DSN)\n}\n',
}

// An early return on the kind, a parameter given by main from os.Getenv with the app's own fallback "sqlite3".
const KIND = (guard: string) => ({
  'go.mod': 'module example.com/links\n\ngo 1.23\n\nrequire github.com/lib/pq v1.10.9\n',
  'main.go': [
    'package main',
    '',
    'import (',
    '\t"database/sql"',
    '\t"log"',
    '\t"os"',
    '',
    '\t_ "github.com/lib/pq"',
    ')',
    '',
    'func main() {',
    '\tkind := os.Getenv("LINKS_DB")',
    '\tif kind == "" {',
    '\t\tkind = "sqlite3"',
    '\t}',
    '\tif _, err := openStore(kind); err != nil {',
    '\t\tlog.Fatal(err)',
    '\t}',
    '}',
    '',
    'func openStore(kind string) (*sql.DB, error) {',
    `\tif ${guard} {`,
    '\t\treturn nil, nil',
    '\t}',
    '\tdb, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
    '\tif err != nil {',
    '\t\treturn nil, err',
    '\t}',
    '\tdb.SetMaxOpenConns(10)',
    '\treturn db, nil',
    '}',
  ].join('\n'),
})

describe('Go: PostgreSQL opened only when the config picks it', () => {
  it('viper default "sqlite" switched on in the caller of the postgres package: 0, said, with the env var that would pick it', async () => {
    const a = await run('bin/notes', NOTES)
    expect(a.threadsPerProcess.value).toBe(0)
    expect(a.pools).toEqual([])
    const said = a.diagnostics.find((d) => d.code === 'not-postgresql')
    expect(said).toMatchObject({file: 'store/db/db.go', line: 16, processType: 'web', severity: 'info'})
    expect(said?.message).toContain('`profile.Driver` is "sqlite" here (cmd/notes/main.go:11)')
    expect(said?.message).toContain('store/db/postgres/postgres.go:12')
    expect(said?.fix).toContain('NOTES_DRIVER')
    expect(describeSourced(a.threadsPerProcess)).toContain('viper.SetDefault')
    expect(isAssumption(a.threadsPerProcess)).toBe(false)
  })

  it('NOTES_DRIVER=postgres (viper AutomaticEnv with the prefix): the postgres branch runs, its pool 20', async () => {
    const a = await run('bin/notes', NOTES, {NOTES_DRIVER: 'postgres'})
    expect(a.pools?.map((p) => p.pool.value)).toEqual([20])
    expect(a.threadsPerProcess.value).toBe(20)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('not-postgresql')
  })

  it('a case naming constants (`case store.TypePostgres:`) is read as their strings', async () => {
    const files = {
      ...NOTES,
      'store/db/db.go': NOTES['store/db/db.go'].replace('case "sqlite":', 'case TypeSQLite:').replace('case "postgres":', 'case TypePostgres:') + '\n\nconst (\n\tTypeSQLite   = "sqlite"\n\tTypePostgres = "postgres"\n)\n',
    }
    expect((await run('bin/notes', files)).threadsPerProcess.value).toBe(0)
    expect((await run('bin/notes', files, {NOTES_DRIVER: 'postgres'})).threadsPerProcess.value).toBe(20)
  })

  it('`if kind != "postgres" { return }` before the open, kind from the env with the app\'s fallback "sqlite3": 0; LINKS_DB=postgres: 10', async () => {
    const off = await run('bin/links', KIND('kind != "postgres"'))
    expect(off.threadsPerProcess.value).toBe(0)
    const said = off.diagnostics.find((d) => d.code === 'not-postgresql')
    expect(said?.message).toContain('`kind` is "sqlite3"')
    expect(said?.fix).toContain('LINKS_DB')
    expect((await run('bin/links', KIND('kind != "postgres"'), {LINKS_DB: 'postgres'})).threadsPerProcess.value).toBe(10)
  })

  it('a branch on something else than the database kind (`kind != "production"`) decides nothing: the pool is counted', async () => {
    const a = await run('bin/links', KIND('kind != "production"'))
    expect(a.threadsPerProcess.value).toBe(10)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('not-postgresql')
  })

  // statping/statping's shape: `func Openw(dialect string, …) { if dialect == "sqlite" { dialect = "sqlite3" }; gorm.Open(dialect, …) }`
  // (jinzhu/gorm takes the driver name): the "sqlite3" is given only when that `if` runs, the parameter's value otherwise
  // (the caller passes the DB_CONN config value). The open is not another database's; its pool, SetMaxOpenConns(25), counts.
  it('a driver name renamed inside an `if` (`if dialect == "sqlite" { dialect = "sqlite3" }`) is not the value: the open stays undecided and counted', async () => {
    const files = {
      'database/database.go': [
        'package database',
        '',
        'import "github.com/jinzhu/gorm"',
        '',
        'func Openw(dialect string, dsn string) (*gorm.DB, error) {',
        '\tif dialect == "sqlite" {',
        '\t\tdialect = "sqlite3"',
        '\t}',
        '\tdb, err := gorm.Open(dialect, dsn)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tdb.DB().SetMaxOpenConns(25)',
        '\treturn db, nil',
        '}',
      ].join('\n'),
      'go.mod': 'module example.com/status\n\ngo 1.14\n\nrequire (\n\tgithub.com/jinzhu/gorm v1.9.12\n\tgithub.com/lib/pq v1.3.0\n\tgithub.com/mattn/go-sqlite3 v2.0.3+incompatible\n)\n',
      'main.go': 'package main\n\nimport (\n\t"os"\n\n\t"example.com/status/database"\n)\n\nfunc main() {\n\tdatabase.Openw(os.Getenv("DB_CONN"), os.Getenv("DB_DSN"))\n}\n',
    }
    const a = await run('bin/status', files)
    expect(a.threadsPerProcess.value).toBe(25)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([25])
    expect(a.diagnostics.map((d) => d.code)).not.toContain('not-postgresql')
    expect(isAssumption(a.threadsPerProcess)).toBe(true)
    expect(describeSourced(a.threadsPerProcess)).toContain('`dialect` is given `"sqlite3"` at database/database.go:7 only when the `if` at database/database.go:6 runs')
  })

  it('a read inside the same `if`, after the assignment, takes its value: `var kind string; if local { kind = "sqlite3"; sql.Open(kind, …) }` opens SQLite: 0', async () => {
    const files = {
      'go.mod': 'module example.com/local\n\ngo 1.21\n\nrequire github.com/mattn/go-sqlite3 v1.14.22\n',
      'main.go': [
        'package main',
        '',
        'import (',
        '\t"database/sql"',
        '\t"os"',
        '',
        '\t_ "github.com/mattn/go-sqlite3"',
        ')',
        '',
        'func main() {',
        '\tvar kind string',
        '\tif os.Getenv("LOCAL") == "" {',
        '\t\tkind = "sqlite3"',
        '\t\tdb, _ := sql.Open(kind, "file.db")',
        '\t\tdb.SetMaxOpenConns(1)',
        '\t}',
        '}',
      ].join('\n'),
    }
    expect((await run('bin/local', files)).threadsPerProcess.value).toBe(0)
  })
})

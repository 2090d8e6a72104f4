import {describe, expect, it} from 'vitest'

import {binaryName, go} from '../../src/languages/go/go.js'
import {withNewExpressions} from '../../src/languages/go/go-source.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const GO_MOD = 'module github.com/example/shop\n\ngo 1.23\n\nrequire github.com/jackc/pgx/v5 v5.7.1\n'

const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}, size = 'standard-1x') => analyzeWith(go, command, files, env, size)

// croaky/webstack heroku-go's shape: pgxpool.Connect(ctx, os.Getenv("DATABASE_URL")) with nothing else.
const CONNECT = [
  'package main',
  '',
  'import (',
  '\t"context"',
  '\t"os"',
  '',
  '\t"github.com/jackc/pgx/v5/pgxpool"',
  ')',
  '',
  'func main() {',
  '\tdbURL := os.Getenv("DATABASE_URL")',
  '\tdb, err := pgxpool.New(context.Background(), dbURL)',
  '\tif err != nil {',
  '\t\tpanic(err)',
  '\t}',
  '\tdefer db.Close()',
  '}',
].join('\n')

describe('Go pools read from the code (tree-sitter-go)', () => {
  it('pgxpool.New without a cap: max(4, runtime.NumCPU()), NumCPU the dyno\'s CPUs (8 on standard-1x, 4 is the floor)', async () => {
    const a = await run('bin/server', {'go.mod': GO_MOD, 'main.go': CONNECT})
    // Standard-1X reports 8 CPUs (plans/dyno-sizes.json): max(4, 8) = 8.
    expect(a.pools?.map((p) => p.pool.value)).toEqual([8])
    expect(describeSourced(a.pools![0].pool)).toContain('pgxpool default MaxConns: max(4, runtime.NumCPU())')
    expect(a.pools![0].pool.source).toEqual({file: 'main.go', kind: 'file', line: 12})
    expect(a.threadsPerProcess.value).toBe(8)
  })

  it('pool_max_conns in DATABASE_URL is the cap', async () => {
    const a = await run('bin/server', {'go.mod': GO_MOD, 'main.go': CONNECT}, {DATABASE_URL: 'postgres://u:p@db.example.com:5432/shop?sslmode=require&pool_max_conns=6'})
    expect(a.pools?.map((p) => p.pool.value)).toEqual([6])
    expect(a.diagnostics.map((d) => d.code)).not.toContain('cpu-count-default')
  })

  it('config.MaxConns from strconv.Atoi(os.Getenv(...)) with the app\'s own fallback: the env value when set', async () => {
    const src = [
      'package main',
      'import (',
      '\t"context"',
      '\t"os"',
      '\t"strconv"',
      '\t"github.com/jackc/pgx/v5/pgxpool"',
      ')',
      'func main() {',
      '\tcfg, _ := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))',
      '\tn, err := strconv.Atoi(os.Getenv("DB_MAX_CONNS"))',
      '\tif err != nil {',
      '\t\tn = 12',
      '\t}',
      '\tcfg.MaxConns = int32(n)',
      '\tpgxpool.NewWithConfig(context.Background(), cfg)',
      '}',
    ].join('\n')
    const set = await run('bin/server', {'go.mod': GO_MOD, 'main.go': src}, {DB_MAX_CONNS: '15'})
    expect(set.pools?.map((p) => p.pool.value)).toEqual([15])
    expect(set.pools![0].pool.via).toContainEqual(expect.objectContaining({kind: 'env', name: 'DB_MAX_CONNS'}))
    // Unset: Atoi("") fails and the app's `if err != nil { n = 12 }` (main.go:11) gives 12: read, sourced at that if.
    const unset = await run('bin/server', {'go.mod': GO_MOD, 'main.go': src})
    expect(unset.pools?.map((p) => p.pool.value)).toEqual([12])
    expect(unset.pools![0].pool.via).toContainEqual({file: 'main.go', kind: 'file', line: 11})
    expect(unset.diagnostics.map((d) => d.code)).not.toContain('unresolved-env')
    expect(unset.diagnostics.map((d) => d.code)).not.toContain('unbounded-pool')
    // The fallback is taken only when the variable is unset; a body that does more than assign first is not read.
    const other = await run('bin/server', {'go.mod': GO_MOD, 'main.go': src.replace('\t\tn = 12', '\t\tlog.Print(err)\n\t\tn = 12')})
    expect(other.diagnostics.map((d) => d.code)).toContain('unresolved-env')
    expect(describeSourced(other.pools![0].pool)).toContain('the app sets MaxConns at main.go:')
  })

  it('`X.MaxConns = 1` in a file that does not import pgxpool (an SMTP pool\'s settings) is not a pgxpool cap: the database/sql pool whose SetMaxOpenConns cannot be read is starred', async () => {
    const mod = 'module example.com/mailer\n\ngo 1.22\n\nrequire (\n\tgithub.com/jmoiron/sqlx v1.4.0\n\tgithub.com/lib/pq v1.10.9\n)\n'
    const db = ['package main', 'import (', '\t"github.com/jmoiron/sqlx"', '\t_ "github.com/lib/pq"', ')', 'func initDB(c Config) *sqlx.DB {', '\tdb := sqlx.MustConnect("postgres", c.DSN)', '\tdb.SetMaxOpenConns(c.MaxOpen)', '\treturn db', '}'].join('\n')
    const smtp = ['package main', 'import "net/smtp"', 'type SMTPSettings struct {', '\tMaxConns int', '}', 'func testSMTP(req *SMTPSettings) {', '\treq.MaxConns = 1', '\t_ = smtp.SendMail', '}'].join('\n')
    const main = ['package main', 'type Config struct {', '\tDSN string', '\tMaxOpen int', '}', 'func main() {', '\tinitDB(Config{})', '}'].join('\n')
    const a = await run('bin/mailer', {'db.go': db, 'go.mod': mod, 'main.go': main, 'smtp.go': smtp})
    expect(a.pools?.map((p) => p.database)).not.toContainEqual(expect.stringContaining('pgxpool'))
    // No pool known: one connection per thread, the thread count the assumption that names db.go:8.
    expect(a.threadsPerProcess.value).toBe(1)
    expect(describeSourced(a.threadsPerProcess)).toContain('SetMaxOpenConns at db.go:8 cannot be read')
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'db.go', line: 8}))
  })

  it('an os.Getenv string with the app\'s own `if x == "" { x = "7" }`: the fallback when unset, the env when set; starred when app.json requires it', async () => {
    const mod = 'module example.com/depot\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n'
    const src = [
      'package main', // 1
      'import (',
      '\t"database/sql"',
      '\t"os"',
      '\t"strconv"', // 5
      '\t_ "github.com/lib/pq"',
      ')',
      'func main() {',
      '\tmaxConns := os.Getenv("DB_MAX_CONNS")',
      '\tif maxConns == "" {', // 10
      '\t\tmaxConns = "7"',
      '\t}',
      '\tn, _ := strconv.Atoi(maxConns)',
      '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
      '\tdb.SetMaxOpenConns(n)', // 15
      '}',
    ].join('\n')
    const unset = await run('bin/depot', {'go.mod': mod, 'main.go': src})
    expect(unset.pools?.map((p) => p.pool.value)).toEqual([7])
    expect(unset.pools![0].pool.via).toContainEqual({file: 'main.go', kind: 'file', line: 10})
    expect(unset.diagnostics.map((d) => d.code)).not.toContain('unresolved-env')
    expect((await run('bin/depot', {'go.mod': mod, 'main.go': src}, {DB_MAX_CONNS: '3'})).pools?.map((p) => p.pool.value)).toEqual([3])
    // `len(x) == 0` is the same test.
    const len = await run('bin/depot', {'go.mod': mod, 'main.go': src.replace('maxConns == ""', 'len(maxConns) == 0')})
    expect(len.pools?.map((p) => p.pool.value)).toEqual([7])
  })

  it('database/sql with SetMaxOpenConns(maxOpen) from a package const: that is the pool; without it, unbounded-pool at sql.Open', async () => {
    const mod = 'module example.com/notes\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n'
    const capped = ['package main', 'import (', '\t"database/sql"', '\t"os"', '\t_ "github.com/lib/pq"', ')', 'const maxOpen = 3 * 4', 'func main() {', '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))', '\tdb.SetMaxOpenConns(maxOpen)', '}'].join('\n')
    const a = await run('bin/notes', {'go.mod': mod, 'main.go': capped})
    // 3 × 4 = 12.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['database/sql main.go:9', 12]])
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unbounded-pool')
    const open = await run('bin/notes', {'go.mod': mod, 'main.go': capped.replace('\tdb.SetMaxOpenConns(maxOpen)\n', '')})
    expect(open.pools).toEqual([])
    expect(open.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', file: 'main.go', line: 9}))
    expect(describeSourced(open.threadsPerProcess)).toContain('bounded only by the requests in flight')
  })

  it("Go 1.26's new(expr) (`new(time.Now())`, `new(3)`) is valid Go: the file parses, and the SetMaxOpenConns beside it counts", async () => {
    // goatcounter's shape (`t.LastUsedAt = new(ztime.Now(ctx))`): tree-sitter-go 0.25 reads new's argument as a type only,
    // so before, each such file was reported unparsable-config and the statement holding the call was an ERROR node, not
    // read (tree-sitter recovered around it here, so the pool was still found). new(T), new([]T), new(map[K]V) stay types.
    const mod = 'module example.com/notes\n\ngo 1.26\n\nrequire github.com/lib/pq v1.10.9\n'
    const src = [
      'package main',
      'import (',
      '\t"database/sql"',
      '\t"os"',
      '\t"time"',
      '\t_ "github.com/lib/pq"',
      ')',
      'type stats struct{ started *time.Time; limit *int; tags *[]string; seen *map[string]bool }',
      'func main() {',
      '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
      '\ts := stats{started: new(time.Now()), limit: new(3), tags: new([]string), seen: new(map[string]bool)}',
      '\tdb.SetMaxOpenConns(7)',
      '\t_ = s',
      '}',
    ].join('\n')
    const a = await run('bin/notes', {'go.mod': mod, 'main.go': src})
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['database/sql main.go:10', 7]])
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unparsable-config')
    expect(withNewExpressions('x := new(pkg.F(a)); y := new(T); z := new(-1); w := new(func()); v := new("s"); u := obj.new(f())')).toBe(
      'x := neW(pkg.F(a)); y := new(T); z := neW(-1); w := new(func()); v := neW("s"); u := obj.new(f())',
    )
  })

  it('a name bound in two functions of one file (`n := 8` in main, `n := 50` in a helper below it): main\'s SetMaxOpenConns(n) reads main\'s 8', async () => {
    // The file's bindings are read in one pass (go-code.ts walkedNodes) whose order keeps the first binding of a name in
    // the file; in document order the helper's 50, the last one, would be taken.
    const mod = 'module example.com/billing\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n'
    const src = [
      'package main',
      'import (',
      '\t"database/sql"',
      '\t"os"',
      '\t_ "github.com/lib/pq"',
      ')',
      'func main() {',
      '\tn := 8',
      '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))',
      '\tdb.SetMaxOpenConns(n)',
      '\tbatch(db)',
      '}',
      'func batch(db *sql.DB) {',
      '\tn := 50',
      '\tfor i := 0; i < n; i++ {',
      '\t\t_ = db.Ping()',
      '\t}',
      '}',
    ].join('\n')
    const a = await run('bin/billing', {'go.mod': mod, 'main.go': src})
    expect(a.pools?.map((p) => p.pool.value)).toEqual([8])
  })

  it('a SetMaxOpenConns only for another database\'s driver (`if driver == "sqlite"`, `case "mysql":`) is not the PostgreSQL pool', async () => {
    // TwiN/gatus's store: sql.Open(driver, path) for sqlite or postgres, SetMaxOpenConns(1) only in the sqlite branch. On
    // PostgreSQL nothing caps the pool: unbounded-pool, 1 counted and starred, where the sqlite cap was taken as the pool (1, unstarred).
    const mod = 'module example.com/monitor\n\ngo 1.24\n\nrequire github.com/lib/pq v1.10.9\n'
    const store = (body: string[]): string =>
      ['package main', 'import (', '\t"database/sql"', '\t"os"', '\t_ "github.com/lib/pq"', ')', 'func main() {', '\tdriver := os.Getenv("STORAGE_DRIVER")', '\tdb, _ := sql.Open(driver, os.Getenv("DATABASE_URL"))', ...body, '}'].join('\n')
    const ifSqlite = await run('bin/monitor', {'go.mod': mod, 'main.go': store(['\tif driver == "sqlite" {', '\t\tdb.SetMaxOpenConns(1)', '\t}'])})
    expect(ifSqlite.pools).toEqual([])
    expect(ifSqlite.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', file: 'main.go', line: 9}))
    // A switch whose postgres arm caps it at 20: that is the pool; the mysql arm's 4 is not.
    const sw = await run('bin/monitor', {'go.mod': mod, 'main.go': store(['\tswitch driver {', '\tcase "mysql":', '\t\tdb.SetMaxOpenConns(4)', '\tdefault:', '\t\tdb.SetMaxOpenConns(20)', '\t}'])})
    expect(sw.pools?.map((p) => p.pool.value)).toEqual([20])
    // Not a driver name: the branch may be the PostgreSQL one, so the cap counts (as before).
    const other = await run('bin/monitor', {'go.mod': mod, 'main.go': store(['\tif driver == "postgres" {', '\t\tdb.SetMaxOpenConns(6)', '\t}'])})
    expect(other.pools?.map((p) => p.pool.value)).toEqual([6])
  })

  it('two sql.Open calls, a local DSN (when .env loads) above the platform\'s DATABASE_URL: the warning names the DATABASE_URL one', async () => {
    const mod = 'module example.com/ledger\n\ngo 1.21\n\nrequire github.com/jackc/pgx/v4 v4.18.1\n'
    const src = [
      'package main', // 1
      'import (',
      '\t"database/sql"',
      '\t"fmt"',
      '\t"os"', // 5
      '\t_ "github.com/jackc/pgx/v4/stdlib"',
      ')',
      'func openLocal() *sql.DB {',
      '\tdb, _ := sql.Open("pgx", fmt.Sprintf("host=%s dbname=ledger", os.Getenv("DB_HOST")))', // 9
      '\treturn db',
      '}',
      'func openPlatform() *sql.DB {',
      '\turl := fmt.Sprint(os.Getenv("DATABASE_URL"))',
      '\tdb, _ := sql.Open("pgx", url)', // 14
      '\treturn db',
      '}',
      'func main() {',
      '\tif _, err := os.Stat(".env"); err == nil {',
      '\t\topenLocal()',
      '\t} else {',
      '\t\topenPlatform()',
      '\t}',
      '}',
    ].join('\n')
    const a = await run('bin/ledger', {'go.mod': mod, 'main.go': src})
    // No SetMaxOpenConns anywhere: 1 counted, unbounded-pool at the open a dyno runs (line 14), not the local one (line 9).
    expect(a.threadsPerProcess.value).toBe(1)
    expect(a.diagnostics.filter((d) => d.code === 'unbounded-pool')).toEqual([expect.objectContaining({file: 'main.go', line: 14})])
    // The same two functions the other way round (the platform's above, as in valentedev/go-postgres-heroku): still the
    // DATABASE_URL open, now at line 10 (the local one is at line 14).
    const lines = src.split('\n')
    const swapped = [...lines.slice(0, 7), ...lines.slice(11, 16), ...lines.slice(7, 11), ...lines.slice(16)].join('\n')
    const b = await run('bin/ledger', {'go.mod': mod, 'main.go': swapped})
    expect(b.diagnostics.filter((d) => d.code === 'unbounded-pool')).toEqual([expect.objectContaining({file: 'main.go', line: 10})])
    // With only the local open, it is the one named.
    const local = await run('bin/ledger', {'go.mod': mod, 'main.go': src.replace('\tdb, _ := sql.Open("pgx", url)', '\tdb := openLocal()')})
    expect(local.diagnostics.filter((d) => d.code === 'unbounded-pool')).toEqual([expect.objectContaining({line: 9})])
  })

  it('joeshaw/envdecode: `env:"KEY,default=N"` in a nested anonymous struct fills the field (fider\'s env.Config.Database.MaxOpenConns)', async () => {
    const mod = 'module github.com/acme/board\n\ngo 1.22\n\nrequire (\n\tgithub.com/joeshaw/envdecode v0.0.0-20200121155833-099f1fc765bd\n\tgithub.com/lib/pq v1.10.9\n)\n'
    const env = ['package env', '', 'import "github.com/joeshaw/envdecode"', '', 'type config struct {', '\tDatabase struct {', '\t\tURL          string `env:"DATABASE_URL,required"`', '\t\tMaxOpenConns int    `env:"DATABASE_MAX_OPEN_CONNS,default=4,strict"`', '\t}', '}', '', 'var Config config', '', 'func init() {', '\t_ = envdecode.Decode(&Config)', '}'].join('\n')
    const db = ['package dbx', '', 'import (', '\t"database/sql"', '', '\t"github.com/acme/board/app/env"', '\t_ "github.com/lib/pq"', ')', '', 'func Open() *sql.DB {', '\tconn, _ := sql.Open("postgres", env.Config.Database.URL)', '\tconn.SetMaxOpenConns(env.Config.Database.MaxOpenConns)', '\treturn conn', '}'].join('\n')
    const main = ['package main', '', 'import "github.com/acme/board/app/dbx"', '', 'func main() {', '\tdbx.Open()', '}'].join('\n')
    const files = {'app/dbx/dbx.go': db, 'app/env/env.go': env, 'go.mod': mod, 'main.go': main}
    // Unset: the tag's default=4 → 4 connections per process, citing the tag's line.
    const a = await run('bin/board', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['database/sql app/dbx/dbx.go:11', 4]])
    expect(describeSourced(a.pools![0].pool)).toContain("envdecode fills config.Database.MaxOpenConns from its `env` tag's `default=` when DATABASE_MAX_OPEN_CONNS is unset")
    // The goroutines' share is database/sql's (the pool is sql.Open's), not pgxpool's.
    expect(a.threadsPerProcess.source).toEqual({kind: 'default', ref: 'https://github.com/golang/go/blob/master/src/database/sql/sql.go', what: 'goroutines can use every pooled connection at once'})
    // Set: the variable wins.
    const b = await run('bin/board', files, {DATABASE_MAX_OPEN_CONNS: '9'})
    expect(b.pools?.map((p) => p.pool.value)).toEqual([9])
  })

  it('a module path with a major-version suffix builds its root as the element before it (miniflux.app/v2 → miniflux.app)', async () => {
    // cmd/go names a binary after its import path's last element, skipping a /vN suffix (cmd/go testdata
    // mod_build_versioned: `go build rsc.io/fortune/v2` writes fortune, not v2).
    expect(binaryName('miniflux.app/v2')).toBe('miniflux.app')
    expect(binaryName('github.com/acme/api/v12')).toBe('api')
    expect(binaryName('github.com/acme/v1')).toBe('v1')
    expect(binaryName('github.com/acme/ledger')).toBe('ledger')
    const mod = 'module feeds.app/v2\n\ngo 1.23\n\nrequire github.com/lib/pq v1.10.9\n'
    const main = ['package main', 'import (', '\t"database/sql"', '\t"os"', '\t_ "github.com/lib/pq"', ')', 'func main() {', '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))', '\tdb.SetMaxOpenConns(7)', '}'].join('\n')
    const a = await run('feeds.app', {'go.mod': mod, 'main.go': main})
    // Procfile `web: feeds.app` is the module root's package: SetMaxOpenConns(7) → 7, with no "matches no package" warning.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['database/sql main.go:8', 7]])
    expect(a.diagnostics.map((d) => d.message).join('\n')).not.toContain('matches no package')
  })


  it('a module root that is a library package is not the binary: `ledger` is cmd/ledger\'s package main, whose pool is read', async () => {
    // Module github.com/acme/ledger: its root (ledger.go, `package ledger`, types only) builds no binary; go.mod's
    // `// +heroku install ./cmd/ledger` builds cmd/ledger (package main) into bin/ledger. Its `serve` opens sqlx with
    // SetMaxOpenConns(12): 12 per process. Reading the root instead found no SQL import and said 0.
    const mod = 'module github.com/acme/ledger\n\n// +heroku goVersion go1.22\n// +heroku install ./cmd/ledger\n\ngo 1.22\n\nrequire (\n\tgithub.com/jmoiron/sqlx v1.3.5\n\tgithub.com/lib/pq v1.10.9\n)\n'
    const root = ['// Package ledger holds the domain types.', 'package ledger', '', 'import "time"', '', 'type Entry struct {', '\tAt time.Time', '}'].join('\n')
    const serve = [
      '/* the serve subcommand */',
      'package main',
      'import (',
      '\t"context"',
      '\t"os"',
      '\t"github.com/jmoiron/sqlx"',
      '\t_ "github.com/lib/pq"',
      ')',
      'func serve() {',
      '\tdb, err := sqlx.ConnectContext(context.Background(), "postgres", os.Getenv("DATABASE_URL"))',
      '\tif err != nil {',
      '\t\tpanic(err)',
      '\t}',
      '\tdb.SetMaxOpenConns(12)',
      '}',
      'func main() { serve() }',
    ].join('\n')
    const a = await run('ledger serve -listen=:$PORT', {'cmd/ledger/main.go': serve, 'go.mod': mod, 'ledger.go': root})
    expect(a.pools?.map((p) => p.pool.value)).toEqual([12])
    expect(a.pools![0].database).toBe('sqlx cmd/ledger/main.go:10')
    expect(a.threadsPerProcess.value).toBe(12)
    // A root that is itself package main stays the binary (the test above), and cmd/ledger is not read then.
    const both = await run('ledger', {'cmd/ledger/main.go': serve, 'go.mod': mod, 'ledger.go': serve.replace('SetMaxOpenConns(12)', 'SetMaxOpenConns(3)')})
    expect(both.pools?.map((p) => p.pool.value)).toEqual([3])
  })
  it('a field of a variable whose struct type is known is that struct\'s, never another struct\'s tagged field of the same name', async () => {
    const mod = 'module example.com/notes\n\ngo 1.22\n\nrequire (\n\tgithub.com/lib/pq v1.10.9\n\tgithub.com/kelseyhightower/envconfig v1.4.0\n)\n'
    // Web.MaxConns is filled by envconfig (default 20); Admin.MaxConns has no tag: the admin binary sets it in code.
    const config = ['package main', 'type Web struct {', '\tMaxConns int `envconfig:"DB_MAX_CONNS" default:"20"`', '}', 'type Admin struct {', '\tMaxConns int', '}'].join('\n')
    const main = ['package main', 'import (', '\t"database/sql"', '\t"os"', '\t_ "github.com/lib/pq"', ')', 'func main() {', '\tvar cfg Admin', '\tcfg.MaxConns = adminPool()', '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))', '\tdb.SetMaxOpenConns(cfg.MaxConns)', '}'].join('\n')
    const a = await run('bin/notes', {'config.go': config, 'go.mod': mod, 'main.go': main})
    // Before, Web's default 20 was taken for Admin's field. Now the cap is unknown, and says why, at main.go:11.
    expect(a.pools?.map((p) => p.pool.value)).not.toContain(20)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({line: 11, message: expect.stringContaining('`cfg.MaxConns` is the MaxConns field of Admin, which no env struct tag fills (the tagged MaxConns is Web\'s)')}))
  })

  it('pgx only `// indirect` in go.mod (pop\'s dialect driver) and imported by no file: database/sql\'s pool, not pgxpool\'s default', async () => {
    // supabase/auth's shape: pop v6 (pgx v4 `// indirect`, the driver its postgres dialect opens database/sql with),
    // pop.NewConnection(&pop.ConnectionDetails{…}) and no database.yml. Before: pgxpool's max(4, 8 CPUs) = 8, starred
    // with "pgx is in go.mod but no pgxpool.New/Connect/ParseConfig was found". database/sql has no default cap
    // (sql.go: "The default is 0 (unlimited)"), and pop sets one only from the details' Pool.
    const mod = 'module example.com/ledger\n\ngo 1.22\n\nrequire github.com/gobuffalo/pop/v6 v6.1.1\n\nrequire (\n\tgithub.com/jackc/pgx/v4 v4.18.2 // indirect\n\tgithub.com/jackc/pgconn v1.14.3 // indirect\n)\n'
    const main = ['package main', 'import (', '\t"os"', '\t"github.com/gobuffalo/pop/v6"', ')', 'func main() {', '\tcd := &pop.ConnectionDetails{Dialect: "postgres", URL: os.Getenv("DATABASE_URL")}', '\tdb, _ := pop.NewConnection(cd)', '\t_ = db.Open()', '}'].join('\n')
    const a = await run('bin/ledger', {'go.mod': mod, 'main.go': main})
    expect(a.pools?.map((p) => p.database)).not.toContain('pgxpool')
    expect(a.threadsPerProcess.source.kind).toBe('assumed')
    expect(a.diagnostics.map((d) => d.code)).not.toContain('cpu-count-default')
    // The unbounded pool is named where pop opens it (pop.NewConnection is read as an open since gaps30o).
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', message: expect.stringContaining('pop opened at main.go:8')}))
    // The same go.mod with pgx required directly keeps pgxpool's default (the app may hand a pool to a library).
    const direct = await run('bin/ledger', {'go.mod': mod.replace('v4.18.2 // indirect', 'v4.18.2'), 'main.go': 'package main\n\nfunc main() {}\n'})
    expect(direct.pools?.map((p) => p.pool.value)).toEqual([8])
  })

  it('SetMaxOpenConns(n) with n 0 (a flag left at its default): database/sql\'s "no limit", unbounded-pool, not a pool of 0', async () => {
    // sql.go SetMaxOpenConns: "If n <= 0, then there is no limit on the number of open connections."
    // Before: a pool of 0, then "threads per process is 0, which the server would not start with", 1 assumed.
    const mod = 'module example.com/notes\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n'
    const main = ['package main', 'import (', '\t"database/sql"', '\t"flag"', '\t"os"', '\t_ "github.com/lib/pq"', ')', 'func main() {', '\tmaxOpen := flag.Int("db-max-open", 0, "max open connections (0: no limit)")', '\tflag.Parse()', '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))', '\tdb.SetMaxOpenConns(*maxOpen)', '}'].join('\n')
    const a = await run('bin/notes', {'go.mod': mod, 'main.go': main})
    expect(a.pools).toEqual([])
    expect(a.threadsPerProcess.value).toBe(1)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', message: expect.stringContaining('sets no limit (n <= 0)')}))
    expect(a.diagnostics.map((d) => d.message).join('\n')).not.toContain('threads per process is 0')
    const set = await run('bin/notes -db-max-open=15', {'go.mod': mod, 'main.go': main})
    expect(set.pools?.map((p) => p.pool.value)).toEqual([15])
  })

  it('jinzhu/configor `default` beside `env`, cleanenv `env-default`: the default when the variable is unset, starred (a config file may set it); the variable when set', async () => {
    // muety/wakapi's shape: `MaxConn uint \`yaml:"max_conn" default:"10" env:"WAKAPI_DB_MAX_CONNECTIONS"\``, SetMaxOpenConns(int(config.Db.MaxConn)).
    const mod = 'module example.com/stats\n\ngo 1.22\n\nrequire (\n\tgithub.com/lib/pq v1.10.9\n\tgithub.com/jinzhu/configor v1.2.2\n)\n'
    const config = ['package main', 'type dbConfig struct {', '\tMaxConn uint `yaml:"max_conn" default:"10" env:"STATS_DB_MAX_CONNECTIONS"`', '}', 'type Config struct {', '\tDb dbConfig `yaml:"db"`', '}', 'var config *Config'].join('\n')
    const main = ['package main', 'import (', '\t"database/sql"', '\t"os"', '\t_ "github.com/lib/pq"', ')', 'func main() {', '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))', '\tdb.SetMaxOpenConns(int(config.Db.MaxConn))', '}'].join('\n')
    const a = await run('bin/stats', {'config.go': config, 'go.mod': mod, 'main.go': main})
    expect(a.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(describeSourced(a.pools![0].pool)).toContain('configor fills dbConfig.MaxConn from its `default` tag when STATS_DB_MAX_CONNECTIONS is unset')
    expect(a.pools![0].pool.via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    const set = await run('bin/stats', {'config.go': config, 'go.mod': mod, 'main.go': main}, {STATS_DB_MAX_CONNECTIONS: '25'})
    expect(set.pools?.map((p) => p.pool.value)).toEqual([25])
    const clean = await run('bin/stats', {'config.go': config.replace('default:"10" env:"STATS_DB_MAX_CONNECTIONS"', 'env:"STATS_DB_MAX_CONNECTIONS" env-default:"6"'), 'go.mod': mod, 'main.go': main})
    expect(clean.pools?.map((p) => p.pool.value)).toEqual([6])
  })

  it('a config field set in code in two places with different values is not taken: unknown, naming both', async () => {
    const mod = 'module example.com/jobs\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n'
    // cfg.db.max = 10, then in another function cfg.db.max = 30: which one openDB sees depends on the flow.
    const main = ['package main', 'import (', '\t"database/sql"', '\t_ "github.com/lib/pq"', ')', 'type config struct {', '\tdb struct {', '\t\tmax int', '\t}', '}',
      'func main() {', '\tvar cfg config', '\tcfg.db.max = 10', '\topenDB(cfg)', '}', 'func big() {', '\tvar cfg config', '\tcfg.db.max = 30', '\topenDB(cfg)', '}',
      'func openDB(cfg config) {', '\tdb, _ := sql.Open("postgres", "")', '\tdb.SetMaxOpenConns(cfg.db.max)', '}'].join('\n')
    const a = await run('bin/jobs', {'go.mod': mod, 'main.go': main})
    expect(a.pools?.map((p) => p.pool.value)).not.toContain(10)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({line: 23, message: expect.stringContaining('`cfg.db.max` is set in 2 places (main.go:13, main.go:18)')}))
    // The same value in both places is that value.
    const same = await run('bin/jobs', {'go.mod': mod, 'main.go': main.replace('cfg.db.max = 30', 'cfg.db.max = 10')})
    expect(same.pools?.map((p) => p.pool.value)).toEqual([10])
  })
})

describe("Go: an app's own option table filled from os.Environ() by key (miniflux's config shape)", () => {
  const mod = 'module github.com/example/feeds\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n'
  const files: Record<string, string> = {
    'go.mod': mod,
    'internal/cli/cli.go': ['package cli', '', 'import (', '\t"github.com/example/feeds/internal/config"', '\t"github.com/example/feeds/internal/database"', ')', '', 'func Run() {', '\tconfig.Load()', '\tdb, _ := database.Open(', '\t\tconfig.Opts.DatabaseURL(),', '\t\tconfig.Opts.DatabaseMaxConns(),', '\t)', '\t_ = db', '}'].join('\n'),
    'internal/config/options.go': [
      'package config', '', 'type option struct {', '\tparsedIntValue int', '\trawValue       string', '}', '', 'type configOptions struct {', '\toptions map[string]*option', '}', '', 'var Opts *configOptions', '',
      'func NewOptions() *configOptions {', '\treturn &configOptions{', '\t\toptions: map[string]*option{', '\t\t\t"DATABASE_URL": {rawValue: ""},', '\t\t\t"DATABASE_MAX_CONNS": {', '\t\t\t\tparsedIntValue: 15,', '\t\t\t\trawValue:       "15",', '\t\t\t},', '\t\t},', '\t}', '}', '',
      'func (c *configOptions) DatabaseURL() string {', '\treturn c.options["DATABASE_URL"].rawValue', '}', '',
      'func (c *configOptions) DatabaseMaxConns() int {', '\treturn c.options["DATABASE_MAX_CONNS"].parsedIntValue', '}',
    ].join('\n'),
    'internal/config/parser.go': ['package config', '', 'import (', '\t"os"', '\t"strconv"', '\t"strings"', ')', '', 'func Load() {', '\tOpts = NewOptions()', '\tfor _, line := range os.Environ() {', '\t\tkey, value, _ := strings.Cut(line, "=")', '\t\tif o, ok := Opts.options[key]; ok {', '\t\t\to.rawValue = value', '\t\t\tif n, err := strconv.Atoi(value); err == nil {', '\t\t\t\to.parsedIntValue = n', '\t\t\t}', '\t\t}', '\t}', '}'].join('\n'),
    'internal/database/db.go': ['package database', '', 'import (', '\t"database/sql"', '', '\t_ "github.com/lib/pq"', ')', '', 'func Open(dsn string, maxConns int) (*sql.DB, error) {', '\tdb, err := sql.Open("postgres", dsn)', '\tif err != nil {', '\t\treturn nil, err', '\t}', '', '\tdb.SetMaxOpenConns(maxConns)', '\treturn db, nil', '}'].join('\n'),
    'main.go': ['package main', '', 'import "github.com/example/feeds/internal/cli"', '', 'func main() {', '\tcli.Run()', '}'].join('\n'),
  }

  it('SetMaxOpenConns(maxConns), a parameter: its caller passes config.Opts.DatabaseMaxConns(), a method returning the table entry: 15', async () => {
    const a = await run('feeds', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['database/sql internal/database/db.go:10', 15]])
    // The chain: the SetMaxOpenConns line, the table entry (options.go:19), and that the env would replace it.
    expect(describeSourced(a.pools![0].pool)).toContain('internal/config/options.go:19')
    expect(describeSourced(a.pools![0].pool)).toContain('DATABASE_MAX_CONNS is not set here')
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
  })

  it('DATABASE_MAX_CONNS set replaces the entry (the package reads os.Environ() into the table)', async () => {
    const a = await run('feeds', files, {DATABASE_MAX_CONNS: '6'})
    expect(a.pools?.map((p) => p.pool.value)).toEqual([6])
  })

  it('without an os.Environ() parser in the package, the entry alone is the value; two callers passing different values are unknown', async () => {
    const noParser = {...files, 'internal/config/parser.go': 'package config\n\nfunc Load() {\n\tOpts = NewOptions()\n}\n'}
    expect((await run('feeds', noParser, {DATABASE_MAX_CONNS: '6'})).pools?.map((p) => p.pool.value)).toEqual([15])
    const twoCallers = {...files, 'internal/cli/worker.go': 'package cli\n\nimport "github.com/example/feeds/internal/database"\n\nfunc Worker() {\n\tdatabase.Open("", 3)\n}\n'}
    const a = await run('feeds', twoCallers)
    expect(a.pools).toEqual([])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('`maxConns` is a parameter of Open, called in 2 places (internal/cli/cli.go:10, internal/cli/worker.go:6)')}))
  })

  it('no Go code read for the binary, but the app caps a pool elsewhere: that call is named, never "call SetMaxOpenConns"', async () => {
    const files = {
      'cmd/boot.go': ['package main', '', 'func connect(c dbConf) *sqlx.DB {', '\tdb := sqlx.MustConnect("postgres", c.DSN)', '\t// db.SetMaxOpenConns(99) was the old cap', '\tdb.SetMaxOpenConns(c.MaxOpen)', '\treturn db', '}'].join('\n'),
      'go.mod': 'module github.com/example/mailer\n\ngo 1.23\n\nrequire github.com/lib/pq v1.10.9\n',
    }
    // `mailer` is the module root's name, but the root has no Go files (main is in cmd/): nothing is read for it.
    const a = await run('mailer', files)
    expect(a.threadsPerProcess.value).toBe(1)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unbounded-pool')
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'cmd/boot.go', line: 6, message: expect.stringContaining('cmd/boot.go:6 (`SetMaxOpenConns(c.MaxOpen)`)')}))
    expect(describeSourced(a.threadsPerProcess)).toContain('the app sets SetMaxOpenConns(c.MaxOpen) at cmd/boot.go:6')
    // With no cap anywhere in the module, the unbounded-pool warning stays.
    const none = await run('mailer', {...files, 'cmd/boot.go': 'package main\n\nfunc connect() { sqlx.MustConnect("postgres", dsn) }\n'})
    expect(none.diagnostics.map((d) => d.code)).toContain('unbounded-pool')
  })
})

// A Buffalo app's shape (own fixture): models/ opens pop with GO_ENV's section of database.yml.
const POP_MOD = 'module github.com/example/board\n\ngo 1.22\n\nrequire (\n\tgithub.com/gobuffalo/envy v1.10.2\n\tgithub.com/gobuffalo/pop/v6 v6.1.1\n)\n'
const POP_MODELS = ['package models', '', 'import (', '\t"github.com/gobuffalo/envy"', '\t"github.com/gobuffalo/pop/v6"', ')', '', 'var DB *pop.Connection', '', 'func init() {', '\tvar err error', '\tenv := envy.Get("GO_ENV", "development")', '\tDB, err = pop.Connect(env)', '\tif err != nil {', '\t\tpanic(err)', '\t}', '}'].join('\n')
const POP_MAIN = 'package main\n\nimport (\n\t"net/http"\n\n\t"github.com/example/board/models"\n)\n\nfunc main() {\n\t_ = models.DB\n\thttp.ListenAndServe(":3000", nil)\n}\n'
const POP_YML = ['development:', '  dialect: postgres', '  database: board_development', '  host: 127.0.0.1', '  pool: 5', '', 'production:', '  url: {{envOr "DATABASE_URL" "postgres://localhost:5432/board"}}', '  pool: 15', '', 'reports:', '  url: {{env "REPORTS_DATABASE_URL"}}', '  pool: 4', '', 'nocap:', '  url: {{env "DATABASE_URL"}}', ''].join('\n')

describe('gobuffalo/pop: database.yml sizes the pool pop.Connect opens', () => {
  const files = {'database.yml': POP_YML, 'go.mod': POP_MOD, 'main.go': POP_MAIN, 'models/models.go': POP_MODELS}

  it('GO_ENV=production: the production section\'s pool: 15 (pop Open: SetMaxOpenConns(details.Pool)), read, on the plan', async () => {
    const a = await run('bin/board', files, {GO_ENV: 'production'})
    // database.yml:9 pool: 15 → 1 process × 15.
    expect(a.pools?.map((p) => [p.database, p.pool.value, p.server])).toEqual([['pop models/models.go:13', 15, 'DATABASE_URL']])
    expect(a.pools![0].pool.source).toEqual({file: 'database.yml', kind: 'file', line: 9})
    expect(a.threadsPerProcess.value).toBe(15)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unbounded-pool')
  })

  it('GO_ENV unset: the code\'s default "development" section (pool: 5), starred, naming the default', async () => {
    const a = await run('bin/board', files)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([5])
    expect(describeSourced(a.pools![0].pool)).toContain('GO_ENV is not set here: the default "development" at models/models.go:12')
  })

  it('a section on another env var with no value is not counted (other-server rule); no pool: is database/sql\'s no limit, said', async () => {
    const other = await run('bin/board', {...files, 'main.go': POP_MAIN.replace('_ = models.DB', '_ = models.DB\n\t_ = models.Jobs'), 'models/jobs.go': 'package models\n\nimport "github.com/gobuffalo/pop/v6"\n\nvar Jobs, _ = pop.Connect("reports")\n'}, {GO_ENV: 'production'})
    // One pool per section pop opens: production (15, on DATABASE_URL) is counted; reports reads REPORTS_DATABASE_URL,
    // which has no value, beside a pool on the plan: listed on an unknown server, not counted → 15.
    expect(other.pools?.map((p) => p.pool.value)).toEqual([15])
    expect(other.otherServerPools?.map((p) => [p.database, p.pool.value, p.server])).toEqual([['pop models/jobs.go:5', 4, 'unknown server: REPORTS_DATABASE_URL has no value']])
    expect(other.threadsPerProcess.value).toBe(15)
    const reports = await run('bin/board', {...files, 'models/models.go': POP_MODELS.replace('pop.Connect(env)', 'pop.Connect("reports")')})
    // REPORTS_DATABASE_URL has no value and nothing else connects: the app's own database, counted, starred (4).
    expect(reports.pools?.map((p) => [p.pool.value, p.server])).toEqual([[4, 'DATABASE_URL']])
    expect(describeSourced(reports.pools![0].pool)).toContain('its URL is read from REPORTS_DATABASE_URL')
    const known = await run('bin/board', {...files, 'models/models.go': POP_MODELS.replace('pop.Connect(env)', 'pop.Connect("reports")')}, {DATABASE_URL: 'postgres://u:p@main.example.com:5432/app', REPORTS_DATABASE_URL: 'postgres://u:p@stats.example.com:5432/r'})
    // Both URLs known, other hosts: the reports pool is on its own server, 0 on the plan.
    expect(known.pools).toEqual([])
    expect(known.otherServerPools?.map((p) => [p.pool.value, p.server])).toEqual([[4, 'REPORTS_DATABASE_URL']])
    expect(known.threadsPerProcess.value).toBe(0)
    const nocap = await run('bin/board', files, {GO_ENV: 'nocap'})
    expect(nocap.pools?.map((p) => p.pool.value)).toEqual([1])
    expect(nocap.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', file: 'database.yml', line: 15}))
  })

  it('a section pop cannot load is said, never a silent number', async () => {
    const bad = await run('bin/board', {...files, 'database.yml': POP_YML.replace('pool: 15', 'pool: 15x')}, {GO_ENV: 'production'})
    expect(bad.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'database.yml', line: 9}))
    const missing = await run('bin/board', files, {GO_ENV: 'staging'})
    expect(missing.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('database.yml has no "staging" section')}))
  })
})

describe('a Go file with no newline after its last declaration', () => {
  it('is valid Go: read whole, no unparsable-config, and the value its last `var (…)` block sets is the pool', async () => {
    // main.go ends `)` with no newline (valid: go/scanner inserts the semicolon at EOF) after a var block whose maxOpen
    // (4 + 2 = 6) caps the pool; claims.go ends a struct type the same way. Before: tree-sitter-go made both an error,
    // warned twice (unparsable-config), and the cap in the broken block was not read.
    const mod = 'module example.com/tally\n\ngo 1.21\n\nrequire github.com/lib/pq v1.10.9\n'
    const types = ['package main', '', 'type Claims struct {', '\tUserID string `json:"user_id"`', '}'].join('\n')
    const main = ['package main', 'import (', '\t"database/sql"', '\t"os"', '\t_ "github.com/lib/pq"', ')', 'func main() {', '\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))', '\tdb.SetMaxOpenConns(maxOpen)', '}', '', 'var (', '\t// maxOpen caps the pool.', '\tmaxOpen = 4 + 2', ')'].join('\n')
    const a = await run('bin/tally', {'claims.go': types, 'go.mod': mod, 'main.go': main})
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unparsable-config')
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['database/sql main.go:8', 6]])
  })
})

describe('the binary the app builds itself: `go build -o NAME PKG` in CI, a Makefile, a Dockerfile (go help build)', () => {
  const MOD = 'module acme-backend\n\ngo 1.13\n\nrequire (\n\tgithub.com/jackc/pgx/v4 v4.1.2\n\tgithub.com/jmoiron/sqlx v1.2.0\n)\n'
  const worker = [
    'package worker',
    '',
    'import (',
    '\t"os"',
    '',
    '\t"github.com/jmoiron/sqlx"',
    '\t_ "github.com/jackc/pgx/v4/stdlib"',
    ')',
    '',
    'func Start() {',
    '\tdb, _ := sqlx.Open("pgx", os.Getenv("DATABASE_URL"))',
    '\t_ = db',
    '}',
  ].join('\n')
  const files = {
    'go.mod': MOD,
    // The root package is a library: the binary is not the module root's.
    'doc.go': 'package backend\n',
    'cmd/worker/main.go': 'package main\n\nimport "acme-backend/worker"\n\nfunc main() { worker.Start() }\n',
    'worker/startup.go': worker,
  }

  it("CircleCI's `go build -o acme-worker ./cmd/worker`: cmd/worker is read, and sqlx.Open(\"pgx\", …) is database/sql's pool (no cap: 1*, unbounded-pool), not pgxpool's", async () => {
    const a = await run('acme-worker', {...files, '.circleci/config.yml': 'jobs:\n  build:\n    steps:\n      - run: go build -o acme-worker ./cmd/worker\n'})
    // Before: no cmd/acme-worker folder, so the root (doc.go) was read; nothing opened there and pgx in go.mod gave
    // pgxpool's max(4, NumCPU) = 8 on standard-1x. database/sql's default MaxOpenConns is 0, "no limit" (sql.go).
    expect(a.pools).toEqual([])
    expect(a.threadsPerProcess.value).toBe(1)
    expect(a.threadsPerProcess.source.kind).toBe('assumed')
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', file: 'worker/startup.go', line: 11}))
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
  })

  it('a Makefile (`-o bin/acme-worker` with -ldflags in quotes, a continued line) and a Dockerfile (`-o /app/acme-worker cmd/worker/main.go`) say the same', async () => {
    const make = 'build:\n\tCGO_ENABLED=0 go build -ldflags "-s -w" \\\n\t\t-o bin/acme-worker ./cmd/worker\n'
    for (const [cmd, extra] of [['bin/acme-worker', {Makefile: make}], ['acme-worker', {Dockerfile: 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/acme-worker cmd/worker/main.go\nCMD ["/app/acme-worker"]\n'}]] as const) {
      const a = await run(cmd, {...files, ...extra})
      expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', file: 'worker/startup.go', line: 11}))
    }
  })

  it("tonistiigi/xx's `xx-go build -o /usr/local/bin/acme-worker ./cmd/worker` (a multi-platform Dockerfile, openmeterio/openmeter's shape) is that build", async () => {
    // Before: `xx-go` was not read as go, so nothing built acme-worker: the root (doc.go) was read and pgxpool's default 8 assumed.
    const dockerfile = 'FROM --platform=$BUILDPLATFORM golang:1.24-alpine AS builder\nCOPY --from=tonistiigi/xx:1.6.1 / /\nWORKDIR /src\nCOPY . .\nRUN xx-go build -ldflags "-s -w" -o /usr/local/bin/acme-worker ./cmd/worker\nFROM alpine:3.21\nCOPY --from=builder /usr/local/bin/acme-worker /usr/local/bin/\nCMD acme-worker\n'
    const a = await run('acme-worker', {...files, Dockerfile: dockerfile})
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', file: 'worker/startup.go', line: 11}))
    expect(a.pools).toEqual([])
  })

  it("pgx in go.mod, nothing opened in the code read, and the module imports only pgx's database/sql driver (stdlib): database/sql's unbounded pool, not pgxpool's default", async () => {
    // The binary's database comes from another module's package (not read); the module imports pgx/v4/stdlib elsewhere.
    const main = 'package main\n\nimport "github.com/acme/kit/db"\n\nfunc main() { db.Connect() }\n'
    const a = await run('bin/server', {'go.mod': MOD, 'main.go': main, 'internal/migrate/migrate.go': worker.replace('package worker', 'package migrate')})
    expect(a.pools).toEqual([])
    expect(a.threadsPerProcess.value).toBe(1)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', message: expect.stringContaining('internal/migrate/migrate.go:7 imports pgx/stdlib, and no file imports pgxpool')}))
    // A module that imports pgxpool somewhere keeps pgxpool's default (assumed): max(4, 8 CPUs) = 8.
    const pool = await run('bin/server', {'go.mod': MOD, 'main.go': main, 'internal/pool/pool.go': 'package pool\n\nimport "github.com/jackc/pgx/v4/pgxpool"\n\nvar P *pgxpool.Pool\n'})
    expect(pool.pools?.map((p) => p.pool.value)).toEqual([8])
  })
})

describe("Go: a config field as the module's constructor builds it, read through an interface getter (heroiclabs/nakama's shape)", () => {
  const mod = 'module example.com/arena\n\ngo 1.22\n\nrequire github.com/jackc/pgx/v5 v5.7.1\n'
  const files: Record<string, string> = {
    'go.mod': mod,
    'main.go': ['package main', '', 'import (', '\t"os"', '', '\t"example.com/arena/server"', ')', '', 'func main() {', '\tconfig := server.ParseArgs(os.Args)', '\tserver.DbConnect(config)', '}'].join('\n'),
    'server/config.go': [
      'package server', '', 'import (', '\t"os"', '', '\t"gopkg.in/yaml.v3"', ')', '',
      'type Config interface {', '\tGetDatabase() *DatabaseConfig', '}', '',
      'type config struct {', '\tName     string          `yaml:"name"`', '\tDatabase *DatabaseConfig `yaml:"database"`', '}', '',
      'func NewConfig() *config {', '\treturn &config{', '\t\tName:     "arena",', '\t\tDatabase: NewDatabaseConfig(),', '\t}', '}', '',
      // A copy made in a method is not the constructor.
      'func (c *config) Clone() *config {', '\treturn &config{Name: c.Name, Database: c.Database}', '}', '',
      'func (c *config) GetDatabase() *DatabaseConfig {', '\treturn c.Database', '}', '',
      'func ParseArgs(args []string) Config {', '\tcfg := NewConfig()', '\tif len(args) > 2 && args[1] == "--config" {', '\t\tdata, _ := os.ReadFile(args[2])', '\t\t_ = yaml.Unmarshal(data, cfg)', '\t}', '\treturn cfg', '}', '',
      'type DatabaseConfig struct {', '\tMaxOpenConns int `yaml:"max_open_conns" usage:"Maximum open connections. Default 100."`', '\tMaxIdleConns int `yaml:"max_idle_conns"`', '}', '',
      'func NewDatabaseConfig() *DatabaseConfig {', '\treturn &DatabaseConfig{', '\t\tMaxOpenConns: 100,', '\t\tMaxIdleConns: 100,', '\t}', '}',
    ].join('\n'),
    'server/db.go': [
      'package server', '', 'import (', '\t"database/sql"', '', '\t_ "github.com/jackc/pgx/v5/stdlib"', ')', '',
      'func DbConnect(config Config) *sql.DB {', '\tdb, _ := sql.Open("pgx", "")', '\tdb.SetMaxOpenConns(config.GetDatabase().MaxOpenConns)', '\tdb.SetMaxIdleConns(config.GetDatabase().MaxIdleConns)', '\treturn db', '}',
    ].join('\n'),
  }

  it('SetMaxOpenConns(config.GetDatabase().MaxOpenConns): GetDatabase returns c.Database, NewConfig builds it with NewDatabaseConfig(), whose literal says 100', async () => {
    const a = await run('bin/arena', files)
    // NewDatabaseConfig's `MaxOpenConns: 100` (server/config.go:49) is the pool; nothing on the command line changes it.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['database/sql server/db.go:10', 100]])
    expect(a.threadsPerProcess.value).toBe(100)
    const said = describeSourced(a.pools![0].pool)
    expect(said).toContain('server/config.go:49')
    expect(said).toContain("DatabaseConfig.MaxOpenConns as the app's constructor builds it (server/config.go:48)")
    expect(said).toContain('a config file the app may load into DatabaseConfig (its yaml tags) is not read')
    expect(isAssumption(a.pools![0].pool)).toBe(false)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
  })

  it('a flag named after the field\'s yaml tag sets it; other arguments (a config file) leave the constructor\'s value, starred', async () => {
    const flag = await run('bin/arena --database.max_open_conns=25', files)
    expect(flag.pools?.map((p) => p.pool.value)).toEqual([25])
    expect(describeSourced(flag.pools![0].pool)).toContain('--database.max_open_conns=25 (command line)')
    const file = await run('bin/arena --config /etc/arena.yml', files)
    expect(file.pools?.map((p) => p.pool.value)).toEqual([100])
    expect(isAssumption(file.pools![0].pool)).toBe(true)
    expect(describeSourced(file.pools![0].pool)).toContain('the command passes --config /etc/arena.yml')
  })

  it('code that also assigns the field elsewhere: unknown, naming the constructor and the assignment', async () => {
    const tuned = {...files, 'server/tune.go': 'package server\n\nfunc (c *config) Tune() {\n\tc.Database.MaxOpenConns = 10\n}\n'}
    const a = await run('bin/arena', tuned)
    expect(a.pools).toEqual([])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('DatabaseConfig.MaxOpenConns starts as 100 (server/config.go:49) and is also set at server/tune.go:4')}))
  })
})

describe('Go: urfave/cli flags read by cmd.Int("name") (bluesky-social/indigo relay\'s shape)', () => {
  const mod = 'module example.com/relay\n\ngo 1.23\n\nrequire (\n\tgithub.com/lib/pq v1.10.9\n\tgithub.com/urfave/cli/v3 v3.4.1\n)\n'
  const main = [
    'package main', '', 'import (', '\t"context"', '\t"os"', '', '\t"github.com/urfave/cli/v3"', '\t"example.com/relay/store"', ')', '',
    'func main() {', '\tapp := &cli.Command{', '\t\tName: "relay",', '\t\tCommands: []*cli.Command{', '\t\t\t{', '\t\t\t\tName:   "serve",', '\t\t\t\tAction: runServe,', '\t\t\t\tFlags: []cli.Flag{',
    '\t\t\t\t\t&cli.IntFlag{', '\t\t\t\t\t\tName:    "max-db-conn",', '\t\t\t\t\t\tSources: cli.EnvVars("MAX_DB_CONNECTIONS", "MAX_METADB_CONNECTIONS"),', '\t\t\t\t\t\tValue:   40,', '\t\t\t\t\t},',
    '\t\t\t\t},', '\t\t\t},', '\t\t\t{', '\t\t\t\tName:   "pull-hosts",', '\t\t\t\tAction: runPull,', '\t\t\t},', '\t\t},', '\t}', '\t_ = app.Run(context.Background(), os.Args)', '}', '',
    'func runServe(ctx context.Context, cmd *cli.Command) error {', '\tmaxConn := cmd.Int("max-db-conn")', '\t_, err := store.Setup(os.Getenv("DATABASE_URL"), maxConn)', '\treturn err', '}', '',
    'func runPull(ctx context.Context, cmd *cli.Command) error {', '\t_, err := store.Setup(os.Getenv("DATABASE_URL"), 10)', '\treturn err', '}',
  ].join('\n')
  const store = ['package store', '', 'import (', '\t"database/sql"', '', '\t_ "github.com/lib/pq"', ')', '', 'func Setup(url string, maxConnections int) (*sql.DB, error) {', '\tdb, err := sql.Open("postgres", url)', '\tif err != nil {', '\t\treturn nil, err', '\t}', '\tdb.SetMaxOpenConns(maxConnections)', '\treturn db, nil', '}'].join('\n')
  const files = {'go.mod': mod, 'main.go': main, 'store/store.go': store}

  it('`relay serve`: the flag\'s Value 40 (no env var set, not on the command line); runPull\'s 10 is another subcommand\'s', async () => {
    const a = await run('relay serve', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['database/sql store/store.go:10', 40]])
    const said = describeSourced(a.pools![0].pool)
    expect(said).toContain('main.go:22')
    expect(said).toContain('the default (Value) of the urfave/cli flag --max-db-conn: the command line does not pass it; MAX_DB_CONNECTIONS, MAX_METADB_CONNECTIONS are unset')
    expect(said).toContain('the process runs the `serve` subcommand: the 1 other call of Setup is in other subcommands\' actions')
    expect(isAssumption(a.pools![0].pool)).toBe(false)
  })

  it('the command line wins over the env vars, the first env var set wins over Value', async () => {
    expect((await run('relay serve --max-db-conn 25', files, {MAX_DB_CONNECTIONS: '60'})).pools?.map((p) => p.pool.value)).toEqual([25])
    expect((await run('relay serve', files, {MAX_METADB_CONNECTIONS: '60'})).pools?.map((p) => p.pool.value)).toEqual([60])
  })

  it('`relay pull-hosts`: the literal 10; with no subcommand named, the two callers stay unknown', async () => {
    expect((await run('relay pull-hosts', files)).pools?.map((p) => p.pool.value)).toEqual([10])
    const bare = await run('relay', files)
    expect(bare.pools).toEqual([])
    expect(bare.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('`maxConnections` is a parameter of Setup, called in 2 places (main.go:37, main.go:42)')}))
  })

  it('v2: `cctx.Int` on a *cli.Context, EnvVars []string{…}; an IntFlag with no Value is Go\'s zero, which SetMaxOpenConns reads as no limit', async () => {
    const v2 = main
      .replace('"github.com/urfave/cli/v3"', '"github.com/urfave/cli/v2"')
      .replace('Sources: cli.EnvVars("MAX_DB_CONNECTIONS", "MAX_METADB_CONNECTIONS")', 'EnvVars: []string{"MAX_DB_CONNECTIONS"}')
      .replace('func runServe(ctx context.Context, cmd *cli.Command) error {\n\tmaxConn := cmd.Int("max-db-conn")', 'func runServe(cctx *cli.Context) error {\n\tmaxConn := cctx.Int("max-db-conn")')
    const files2 = {...files, 'go.mod': mod.replace('urfave/cli/v3 v3.4.1', 'urfave/cli/v2 v2.25.7'), 'main.go': v2}
    expect((await run('relay serve', files2, {MAX_DB_CONNECTIONS: '12'})).pools?.map((p) => p.pool.value)).toEqual([12])
    expect((await run('relay serve', files2)).pools?.map((p) => p.pool.value)).toEqual([40])
    const noValue = await run('relay serve', {...files2, 'main.go': v2.replace('\t\t\t\t\t\tValue:   40,\n', '')})
    expect(noValue.pools).toEqual([])
    expect(noValue.diagnostics.map((d) => d.code)).toContain('unbounded-pool')
  })
})

describe("Go: gobuffalo/pop's pop.NewConnection(&pop.ConnectionDetails{Pool: …}) (teamhanko/hanko's shape)", () => {
  const mod = 'module example.com/auth\n\ngo 1.23\n\nrequire (\n\tgithub.com/gobuffalo/pop/v6 v6.1.1\n\tgithub.com/jackc/pgx/v5 v5.7.1\n\tgithub.com/kelseyhightower/envconfig v1.4.0\n)\n'
  const files: Record<string, string> = {
    'go.mod': mod,
    'main.go': ['package main', '', 'import (', '\t"example.com/auth/config"', '\t"example.com/auth/persistence"', ')', '', 'func main() {', '\tcfg, err := config.Load()', '\tif err != nil {', '\t\tpanic(err)', '\t}', '\t_, _ = persistence.NewConnection(cfg.Database)', '}'].join('\n'),
    'config/config.go': [
      'package config', '', 'import "github.com/kelseyhightower/envconfig"', '',
      'type Database struct {', '\tURL  string `yaml:"url" koanf:"url"`', '\tPool int    `yaml:"pool" koanf:"pool"`', '}', '',
      'type ApplicationConfig struct {', '\tDatabase Database `yaml:"database" koanf:"database"`', '}', '',
      'type Config struct {', '\tApplicationConfig `koanf:",squash"`', '}', '',
      'func DefaultApplicationConfig() ApplicationConfig {', '\treturn ApplicationConfig{', '\t\tDatabase: Database{', '\t\t\tPool: 5,', '\t\t},', '\t}', '}', '',
      'func DefaultConfig() *Config {', '\treturn &Config{ApplicationConfig: DefaultApplicationConfig()}', '}', '',
      'func Load() (*Config, error) {', '\tc := DefaultConfig()', '\tif err := envconfig.Process("", c); err != nil {', '\t\treturn nil, err', '\t}', '\treturn c, nil', '}',
    ].join('\n'),
    'persistence/persister.go': [
      'package persistence', '', 'import (', '\t"github.com/gobuffalo/pop/v6"', '\t"example.com/auth/config"', ')', '',
      'func NewConnection(config config.Database) (*pop.Connection, error) {', '\tdetails := &pop.ConnectionDetails{', '\t\tPool: config.Pool,', '\t}', '\tdetails.URL = config.URL', '\treturn pop.NewConnection(details)', '}',
    ].join('\n'),
  }

  it('Pool from the parameter every caller fills with the constructor\'s Database (promoted from the embedded ApplicationConfig): 5, starred as envconfig may replace it; not pgxpool\'s default', async () => {
    const a = await run('bin/auth', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pop persistence/persister.go:13', 5]])
    const said = describeSourced(a.pools![0].pool)
    expect(said).toContain('config/config.go:21')
    expect(said).toContain('pop opens the connection with sqlx and calls SetMaxOpenConns(Pool)')
    expect(said).toContain('the app also fills its config from the env (config/config.go:32)')
    expect(isAssumption(a.pools![0].pool)).toBe(true)
  })

  it('a literal Pool is the cap, unstarred; Pool 0 is database/sql\'s no limit (unbounded-pool)', async () => {
    const literal = {...files, 'persistence/persister.go': files['persistence/persister.go'].replace('Pool: config.Pool,', 'Pool: 12,')}
    const a = await run('bin/auth', literal)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([12])
    expect(isAssumption(a.pools![0].pool)).toBe(false)
    const zero = await run('bin/auth', {...files, 'persistence/persister.go': files['persistence/persister.go'].replace('Pool: config.Pool,', 'Pool: 0,')})
    expect(zero.pools).toEqual([])
    expect(zero.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', message: expect.stringContaining('pop opened at persistence/persister.go:13')}))
  })
})

describe("Go: Ory's services (ory/hydra, ory/kratos): github.com/ory/pop/v6 sized by ory/x sqlcon.ParseConnectionOptions", () => {
  // driver/registry_sql.go's shape: `pool, idlePool, lifetime, idleTime, cleanedDSN := sqlcon.ParseConnectionOptions(l, dsn)`,
  // then `opts := &pop.ConnectionDetails{URL: cleanedDSN, IdlePool: idlePool, Pool: pool}` and pop.NewConnection(opts).
  // ory/x sqlcon/parse_opts.go: maxConns = maxParallelism() * 2 (min(GOMAXPROCS, NumCPU)), or the DSN's max_conns; ory/pop
  // calls SetMaxOpenConns(Pool). Hand: 2 × 8 CPUs of a Standard dyno = 16 (starred: the DSN env var may carry max_conns);
  // a literal DSN with max_conns=20: 20. Before: database/sql unbounded, 1* (ory/pop was not read as pop).
  const files = (dsn: string): Record<string, string> => ({
    'go.mod': 'module github.com/example/idp\n\ngo 1.24\n\nrequire (\n\tgithub.com/ory/pop/v6 v6.4.2\n\tgithub.com/ory/x v0.0.700\n\tgithub.com/jackc/pgx/v5 v5.7.5\n)\n',
    'main.go': [
      'package main', '', 'import (', '\t"os"', '', '\t"github.com/ory/pop/v6"', '\t"github.com/ory/x/logrusx"', '\t"github.com/ory/x/sqlcon"', '\t_ "github.com/jackc/pgx/v5/stdlib"', ')', '',
      'func main() {', '\tl := logrusx.New("idp", "dev")', `\tdsn := ${dsn}`,
      '\tpool, idlePool, connMaxLifetime, connMaxIdleTime, cleanedDSN := sqlcon.ParseConnectionOptions(l, dsn)',
      '\topts := &pop.ConnectionDetails{', '\t\tURL:             cleanedDSN,', '\t\tIdlePool:        idlePool,', '\t\tConnMaxLifetime: connMaxLifetime,', '\t\tConnMaxIdleTime: connMaxIdleTime,', '\t\tPool:            pool,', '\t}',
      '\tc, err := pop.NewConnection(opts)', '\tif err != nil {', '\t\tpanic(err)', '\t}', '\t_ = c.Open()', '}',
    ].join('\n'),
  })

  it('the DSN from the env (not read): 2 × 8 CPUs = 16, starred, citing sqlcon; a literal max_conns=20: 20, read', async () => {
    const a = await run('idp', files('os.Getenv("DSN")'))
    expect(a.pools?.map((p) => p.pool.value)).toEqual([16])
    expect(describeSourced(a.pools![0].pool)).toContain("ory/x sqlcon's default max connections: maxParallelism() * 2")
    expect(isAssumption(a.pools![0].pool)).toBe(true)
    const set = await run('idp', files('"postgres://u:p@db:5432/idp?sslmode=disable&max_conns=20&max_idle_conns=4"'))
    expect(set.pools?.map((p) => p.pool.value)).toEqual([20])
    expect(isAssumption(set.pools![0].pool)).toBe(false)
  })
})

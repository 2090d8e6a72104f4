import {execFileSync, spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, ROOT, runCli, runCliInProcess} from '../helpers/cli.js'

// Odd but real input: encodings, endings, files that are not files, nesting past any real app.
// Each gets a clear message (or is read), an exit code in {0, 1, 2}, and never hangs: runCli's
// timeout kills a hung child, which then has no exit code. What could block, hang or overflow
// the stack (FIFOs, deep nesting, huge inputs) runs in a process of its own, as a user's does;
// the rest in process (runCliInProcess: the same bundle, output and exit code).

const app = (files: Record<string, Buffer | string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-odd-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), {recursive: true})
    writeFileSync(join(dir, name), text)
  }

  return dir
}

const utf16 = (text: string, order: 'be' | 'le', bom = true): Buffer => {
  const le = Buffer.from(text, 'utf16le')
  const bytes = order === 'le' ? le : Buffer.from(le.map((_, i) => le[i ^ 1]))
  return bom ? Buffer.concat([Buffer.from(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), bytes]) : bytes
}

const mkfifo = (path: string): void => {
  execFileSync('mkfifo', [path])
}

describe('Procfile encodings', () => {
  it.each(['le', 'be'] as const)('UTF-16%s with a byte-order mark (PowerShell `>`) is read, with a warning that Heroku would not read it', (order) => {
    const dir = app({Procfile: utf16('web: gunicorn app:app --workers 3\r\nworker: celery -A app worker --concurrency 4\r\n', order)})
    const r = runCliInProcess(['plan', '--limit', '100', '--json'], {cwd: dir})
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as {diagnostics: {code: string; message: string}[]; processTypes: {name: string; processesPerDyno: number}[]}
    // gunicorn --workers 3 → 3 processes; celery --concurrency 4 → 4 (prefork children).
    expect(json.processTypes.map((p) => [p.name, p.processesPerDyno])).toEqual([['web', 3], ['worker', 4]])
    expect(json.diagnostics).toContainEqual(expect.objectContaining({code: 'invalid-procfile-line', message: expect.stringContaining(`the Procfile is UTF-16${order.toUpperCase()}`)}))
  })

  it('UTF-16 without a byte-order mark is exit 2, saying so', () => {
    const r = runCliInProcess(['plan', '--limit', '100'], {cwd: app({Procfile: utf16('web: gunicorn app:app\n', 'le', false)})})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('is UTF-16 without a byte-order mark')
    expect(r.stderr).toContain('save it as UTF-8')
  })
})

describe('env files', () => {
  it('lines that end in a lone CR (classic Mac) are read one by one: WEB_CONCURRENCY counts, the password is not shown', () => {
    const dir = app({'.env.mac': 'DATABASE_URL=postgres://app:Pw0rdMac@db.example.com/app\rWEB_CONCURRENCY=3\r', 'Procfile': 'web: gunicorn app:app\n'})
    const r = runCliInProcess(['plan', '--limit', '20', '--env-file', '.env.mac', '--explain'], {cwd: dir})
    expect(r.code).toBe(0)
    // 3 gunicorn workers (sync: one connection each), WEB_CONCURRENCY from line 2, not the
    // 2-worker default, and not part of the line before it.
    expect(r.stdout).toMatch(/processes per dyno\s+3\s+WEB_CONCURRENCY from \.env\.mac:2/)
    expect(r.stdout).toContain('total 3 of 20')
    expect(r.stdout + r.stderr).not.toContain('Pw0rdMac')
  })
})

describe('a database URL that names certificate files', () => {
  // pg-connection-string's parse reads sslrootcert/sslcert/sslkey with readFileSync: a FIFO there
  // blocked `conncalc plan` for good (and /dev/zero ate its memory). The files are not read.
  it.each(['sslrootcert', 'ssl%72ootcert', 'sslkey'])('%s naming a FIFO in --env-file: the plan as without it, no hang, no password', (param) => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-odd-'))
    cpSync(fixture('../../examples/rails'), dir, {recursive: true})
    mkfifo(join(dir, 'cert.fifo'))
    writeFileSync(join(dir, '.env.prod'), `DATABASE_URL=postgres://app:Pw0rdFifo@db.example.com:5432/app?sslmode=verify-full&${param}=cert.fifo\n`)
    const r = runCli(['plan', '--limit', '100', '--env-file', '.env.prod'], {cwd: dir})
    expect(r.code).toBe(0)
    // examples/rails: web 2 Puma workers (WEB_CONCURRENCY default 2 in puma.rb) × 3 threads = 6,
    // worker Sidekiq concurrency 5 = 5; the release phase counts in the deploy peak only.
    expect(r.stdout).toContain('total 11 of 100')
    expect(r.stdout + r.stderr).not.toContain('Pw0rdFifo')
  })
})

describe('conncalc.yml', () => {
  it.each([
    ['a link to a file that is not there', 'deploy/conncalc.yml', 'a symbolic link to a file that is not there'],
    ['a link to itself', 'conncalc.yml', 'a loop of symbolic links (ELOOP)'],
  ])('%s is exit 2 saying so, not a run without the config file', (_what, target, why) => {
    const dir = app({Procfile: 'web: gunicorn app:app\n'})
    symlinkSync(target, join(dir, 'conncalc.yml'))
    const r = runCliInProcess(['plan'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`conncalc: cannot read config file conncalc.yml (${why})`)
  })

  it('a key written twice is exit 2 naming both lines', () => {
    const dir = app({'Procfile': 'web: gunicorn app:app\n', 'conncalc.yml': 'plan: standard-0\nreserve: 2\nplan: essential-0\n'})
    const r = runCliInProcess(['plan'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('conncalc.yml:3: plan is set again (first on line 1)')
  })

  it('a key written twice inside an app entry too', () => {
    const dir = app({'a/Procfile': 'web: gunicorn app:app\n', 'conncalc.yml': 'plan: standard-0\napps:\n  - name: a\n    procfile: a/Procfile\n    name: b\n'})
    const r = runCliInProcess(['plan'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('conncalc.yml:5: name is set again (first on line 3)')
  })
})

describe('files that are not regular files are refused, never opened', () => {
  it('--plans-file naming a FIFO is exit 2', () => {
    const dir = app({Procfile: 'web: gunicorn app:app\n'})
    mkfifo(join(dir, 'plans.json'))
    const r = runCli(['plan', '--plans-file', 'plans.json', '--plan', 'x'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('cannot read plans file plans.json (a named pipe (FIFO), not a regular file)')
  })

  it('--procfile naming a FIFO or /dev/null says what it is, not "no such file"', () => {
    const dir = app({})
    mkfifo(join(dir, 'Procfile.web'))
    const fifo = runCli(['plan', '--procfile', 'Procfile.web'], {cwd: dir})
    expect(fifo.code).toBe(2)
    expect(fifo.stderr).toContain('conncalc: cannot read Procfile.web (a named pipe (FIFO), not a regular file)')
    const devNull = runCliInProcess(['plan', '--procfile', '/dev/null'], {cwd: dir})
    expect(devNull.code).toBe(2)
    expect(devNull.stderr).toContain('conncalc: cannot read /dev/null (a character device, not a regular file)')
    expect(devNull.stderr).not.toContain('no such file')
  })

  it('--procfile through a symbolic link loop, or in a "folder" that is a file, says so', () => {
    const dir = app({'notes.txt': 'hello\n'})
    symlinkSync('loop', join(dir, 'loop'))
    const loop = runCliInProcess(['plan', '--procfile', 'loop'], {cwd: dir})
    expect(loop.code).toBe(2)
    expect(loop.stderr).toContain('conncalc: cannot read loop (a loop of symbolic links (ELOOP))')
    const inLoop = runCliInProcess(['plan', '--procfile', 'loop/Procfile'], {cwd: dir})
    expect(inLoop.code).toBe(2)
    expect(inLoop.stderr).toContain('no Procfile at loop/Procfile: the folder loop cannot be read (a loop of symbolic links (ELOOP))')
    const inFile = runCliInProcess(['plan', '--procfile', 'notes.txt/Procfile'], {cwd: dir})
    expect(inFile.code).toBe(2)
    expect(inFile.stderr).toContain('no Procfile at notes.txt/Procfile: the folder notes.txt is a file, not a folder')
  })

  it('--env-file naming a pipe is read to its end (`--env-file <(heroku config -s)`, /dev/stdin)', () => {
    const dir = app({Procfile: 'web: gunicorn app:app\n'})
    // As a shell runs it: bash's process substitution, and a pipe on standard input (Node's spawn would give a socket).
    const run = (command: string) => spawnSync('bash', ['-c', command], {cwd: dir, encoding: 'utf8', env: {NO_COLOR: '1', PATH: process.env.PATH ?? ''}, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000})
    const conncalc = `'${process.execPath}' -- '${ROOT}bin/run.js' plan --limit 20 --explain`
    for (const r of [run(`${conncalc} --env-file <(sleep 0.2; echo WEB_CONCURRENCY=3)`), run(`echo WEB_CONCURRENCY=3 | ${conncalc} --env-file /dev/stdin`)]) {
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      // gunicorn's workers from WEB_CONCURRENCY in the pipe (3), not its default 1.
      expect(r.stdout).toContain('total 3 of 20')
      expect(r.stdout).toMatch(/WEB_CONCURRENCY from \/dev\/(fd\/\d+|stdin):1/)
    }
  })

  it('--env-file naming a FIFO no program writes to reads as empty: no wait for a writer', () => {
    const dir = app({Procfile: 'web: gunicorn app:app\n'})
    mkfifo(join(dir, 'env.fifo'))
    const r = runCli(['plan', '--limit', '20', '--env-file', 'env.fifo'], {cwd: dir})
    expect(r.code).toBe(0)
    // Nothing from the FIFO: gunicorn's workers are the Python buildpack's WEB_CONCURRENCY (2 on standard-1x), taken
    // as the buildpack because the web process runs gunicorn and no root file says another language (assumed).
    expect(r.stdout).toContain('total 2 of 20')
  })

  it('a package.json that is a FIFO is not the config file: the run goes on', () => {
    const dir = app({Procfile: 'web: gunicorn app:app --workers 2\n'})
    mkfifo(join(dir, 'package.json'))
    const r = runCli(['plan', '--limit', '20'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('total 2 of 20')
  })

  it.each(['sslrootcert', 'sslcert', 'sslkey'])('%s naming a FIFO is exit 2 before any connection', (param) => {
    const dir = app({})
    mkfifo(join(dir, 'cert.pem'))
    const r = runCli(['live', '--database-url', `postgres://u:SECRETPW@127.0.0.1:9/d?sslmode=require&${param}=cert.pem`], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`cannot read ${param} "cert.pem" named in the database URL (a named pipe (FIFO), not a regular file)`)
    expect(r.stderr).not.toContain('SECRETPW')
  })
})

describe('a file the code names that is there but cannot be read', () => {
  type Json = {diagnostics: {code: string; file?: string; message: string}[]; processTypes: {connections: number; name: string; sources: {threadsPerProcess: {source: {why?: string}}}}[]; total: number}
  const planJson = (dir: string): {json: Json; r: ReturnType<typeof runCliInProcess>} => {
    const r = runCliInProcess(['plan', '--limit', '10', '--json'], {cwd: dir})
    return {json: JSON.parse(r.stdout) as Json, r}
  }

  it('`ruby app.rb` whose app.rb holds NUL bytes: one thread assumed and said, not a crash (exit 3)', () => {
    const {json, r} = planJson(app({'Gemfile': 'source "https://rubygems.org"\ngem "pg"\n', 'Procfile': 'web: ruby app.rb\n', 'app.rb': Buffer.from('require "pg"\0\n')}))
    expect([r.code, r.stderr]).toEqual([0, ''])
    // 1 dyno × 1 process × min(ActiveRecord's default pool 5, 1 thread assumed) = 1
    expect(json.processTypes.map((p) => [p.name, p.connections, p.sources.threadsPerProcess.source.why])).toEqual([['web', 1, 'app.rb cannot be read, so the threads it starts are not known; 1 assumed']])
    expect(json.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'app.rb'}))
  })

  it('a Go app whose pop.Connect reads a database.yml that holds NUL bytes: 1 connection, said, not a crash (exit 3)', () => {
    const {json, r} = planJson(app({
      'Procfile': 'web: bin/app\n',
      'database.yml': Buffer.from('production:\0\n  pool: 9\n'),
      'go.mod': 'module example.com/app\n\ngo 1.21\n\nrequire github.com/gobuffalo/pop/v6 v6.1.1\n',
      'main.go': 'package main\n\nimport "github.com/gobuffalo/pop/v6"\n\nfunc main() {\n\tc, _ := pop.Connect("production")\n\t_ = c\n}\n',
    }))
    expect([r.code, r.stderr]).toEqual([0, ''])
    expect(json.total).toBe(1)
    expect(json.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['unknown-config-value', 'web: pop.Connect at main.go:6 reads database.yml, which cannot be read; 1 connection is counted until you say'],
      ['unparsable-config', 'database.yml cannot be read (not a text file: it holds NUL bytes); the values it may set are assumptions (*), not defaults'],
    ])
  })

  it('a Rust app whose Cargo.toml holds NUL bytes: 1 connection assumed and said, not a crash (exit 3)', () => {
    const {json, r} = planJson(app({'Cargo.lock': '', 'Cargo.toml': Buffer.from('[package]\0\nname = "web"\n'), 'Procfile': 'web: ./target/release/web\n', 'src/main.rs': 'fn main() {}\n'}))
    expect([r.code, r.stderr]).toEqual([0, ''])
    expect(json.processTypes.map((p) => [p.name, p.connections, p.sources.threadsPerProcess.source.why])).toEqual([
      ['web', 1, 'Cargo.toml cannot be read, so the crates the binary is built from are not known; 1 connection counted until --assume says more'],
    ])
    expect(json.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'Cargo.toml'}))
  })
})

describe('nesting past any real app', () => {
  it('${A:-…} nested 3,000 deep in a Procfile: a warning, the type counted as unknown, no stack overflow', () => {
    let word = '5'
    for (let i = 0; i < 3000; i++) word = `\${A:-${word}}`
    const r = runCli(['plan', '--limit', '20'], {cwd: app({Procfile: `web: WEB_CONCURRENCY=${word} gunicorn app:app\n`})})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('web: the command nests ${…:-…} more than 64 levels deep; conncalc does not expand it')
    expect(r.stdout).toContain('[unknown-config-value]')
  })

  it('a command nesting $( 10,000 deep is one unknown command quoted short: not looked up as a file whose name is too long', () => {
    // Its first word, `$($(…bundle`, is where a script would be; no file can have a 20,000-character name
    // (the OS says ENAMETOOLONG), so none is there, as for any other missing script.
    const command = `${'$('.repeat(10_000)}bundle exec puma${')'.repeat(10_000)}`
    const r = runCliInProcess(['plan', '--limit', '20'], {cwd: app({Procfile: `web: ${command}\n`})})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('[unknown-command]')
    expect(r.stdout).not.toContain('ENAMETOOLONG')
    expect(Math.max(...r.stdout.split('\n').map((line) => line.length))).toBeLessThan(500)
  })

  it('JavaScript and Python nested 20,000 brackets deep: a warning naming the file, the defaults, exit 0, nothing on stderr', () => {
    // oxc-parser's native parser died with a segmentation fault on the JS (exit 139, no output), and the
    // Python evaluator's overflow made V8 print "Exception in PromiseRejectCallback" on stderr.
    const deep = `${'('.repeat(20_000)}2${')'.repeat(20_000)}`
    const js = runCli(['plan', '--limit', '20'], {cwd: app({'Procfile': 'web: node knexfile.js\n', 'knexfile.js': `const n = ${deep}\nmodule.exports = {pool: {max: n}}\n`, 'package.json': '{"dependencies": {"knex": "3.1.0", "pg": "8.13.0"}}'})})
    expect(js.code).toBe(0)
    expect(js.stdout).toContain('knexfile.js:1: warning: nested too deeply for conncalc to read (brackets nested more than 256 deep); conncalc reads nothing from this file [unparsable-config]')
    expect(js.stderr).toBe('')
    const py = runCli(['plan', '--limit', '20'], {cwd: app({'Procfile': 'web: gunicorn app:app\n', 'gunicorn.conf.py': `workers = ${deep}\n`, 'requirements.txt': 'gunicorn\n'})})
    expect(py.code).toBe(0)
    expect(py.stdout).toContain('gunicorn.conf.py:1: warning: nested too deeply for conncalc to read (brackets nested more than 256 deep); conncalc reads nothing from this file [unparsable-config]')
    expect(py.stderr).toBe('')
  })

  it('a uWSGI ini that includes itself says it stops at the include depth, and reads what it can', () => {
    const dir = app({'Procfile': 'web: uwsgi --ini uwsgi.ini\n', 'uwsgi.ini': '[uwsgi]\nprocesses = 4\nini = uwsgi.ini\n'})
    const r = runCli(['plan', '--limit', '20'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/uWSGI config `uwsgi.ini` is included more than 8 files deep, and it includes a file already read \(a loop\)/)
    expect(r.stdout).not.toContain('refers to itself')
  })
})

describe('counts a server would refuse', () => {
  it('threads -5, -5 in puma.rb is a warning at its line and an assumed 1, not a crash', () => {
    const dir = app({})
    cpSync(fixture('rails-7-2'), dir, {recursive: true})
    writeFileSync(join(dir, 'config/puma.rb'), 'threads -5, -5\nworkers 2\n')
    const r = runCliInProcess(['plan', '--limit', '20'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('config/puma.rb:1: warning: web: threads per process is -5, which the server would not start with; conncalc assumes 1 [unknown-config-value]')
    // 2 workers × min(pool 5, 1 thread) = 2 connections on the one web dyno.
    expect(r.stdout).toMatch(/^web\s+puma\s+1\*\s+2\s+1\*/m)
  })

  it('a platform file giving a type more instances than any server has slots (262,143): 1 assumed, a warning at the line', () => {
    const pg = "const {Pool} = require('pg')\nconst pool = new Pool({max: 5})\n"
    const pkg = '{"name": "n", "dependencies": {"pg": "^8.11.0"}}\n'
    const render = app({'package.json': pkg, 'render.yaml': 'services:\n  - type: web\n    name: web\n    runtime: node\n    numInstances: 99999999999\n    startCommand: node server.js\n', 'server.js': pg})
    const r = runCliInProcess(['plan', '--limit', '100', '--explain'], {cwd: render})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('render.yaml:5: warning: render.yaml: web runs 99999999999 instances, more than any PostgreSQL server has connection slots (262143); not used [unparsable-config]')
    // 1 instance (assumed) × 1 Node process × pool 5 = 5, not 499,999,999,995.
    expect(r.stdout).toContain('total 5 of 100')
    expect(r.stdout).toMatch(/instances\s+1\s+assumption: render\.yaml gives web 99999999999 instances, more than any server's connection slots; 1 assumed \(say --scale web=N\)/)
    const railway = app({'Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n', 'package.json': pkg, 'railway.json': '{"deploy": {"numReplicas": 1e20, "startCommand": "node server.js"}}\n', 'server.js': pg})
    const rw = runCliInProcess(['plan', '--limit', '100'], {cwd: railway})
    expect(rw.code).toBe(0)
    expect(rw.stdout).toContain('railway.json: app runs about 1.000e+20 instances, more than any PostgreSQL server has connection slots (262143); not used')
    expect(rw.stdout).toContain('total 5 of 100')
  })
})

// Shapes that were quadratic: each at a size that took seconds to minutes before (no timing
// assertion: runCli's timeout and vitest's are the guard; the message says what was done).
describe('input that was quadratic to read', () => {
  it('a dotenv value whose quote never closes, 200,000 lines before the end of the file', () => {
    const dir = app({'Procfile': 'web: gunicorn app:app\n', 'big.env': `WEB_CONCURRENCY=3\nA="${'x\n'.repeat(200_000)}`})
    const r = runCli(['plan', '--limit', '20', '--env-file', 'big.env'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('big.env:2: warning: the quoted value of A is never closed; ignored')
    // Line 2 (the open quote) and the 199,999 lines of x after it are warnings: 20 shown, then one
    // line for the other 199,980.
    expect(r.stdout).toContain('and 199980 more lines of big.env ignored (from line 22 on)')
    expect(r.stdout).toContain('total 3 of 20') // WEB_CONCURRENCY=3 still read: 3 gunicorn workers
  })

  it('`heroku config --json` with 30,000 variables: each keeps its line', () => {
    const vars: Record<string, string> = {}
    for (let i = 0; i < 30_000; i++) vars[`VAR_${i}`] = String(i)
    vars.WEB_CONCURRENCY = '4'
    const dir = app({'Procfile': 'web: gunicorn app:app\n', 'config.json': JSON.stringify(vars, null, 2)})
    const r = runCli(['plan', '--limit', '20', '--env-file', 'config.json', '--explain'], {cwd: dir})
    expect(r.code).toBe(0)
    // JSON.stringify with an indent puts "{" on line 1 and each key on its own line: WEB_CONCURRENCY, the last, on 30,002.
    expect(r.stdout).toMatch(/processes per dyno\s+4\s+.*config\.json:30002/)
  })

  it('30,000 ERB tags that never close in database.yml: read as text, with one warning', () => {
    const dir = app({})
    cpSync(fixture('rails-7-2'), dir, {recursive: true})
    writeFileSync(join(dir, 'config/database.yml'), `production:\n  pool: 7\n${'  x: <%= ENV.fetch("A") \n'.repeat(30_000)}`)
    const r = runCli(['plan', '--limit', '50', '--json'], {cwd: dir})
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as {diagnostics: {line?: number; message: string}[]}
    expect(json.diagnostics).toContainEqual(expect.objectContaining({line: 3, message: expect.stringContaining('an ERB tag opened here is never closed')}))
  })
})

describe('YAML alias bombs (billion laughs) end at once', () => {
  // Nine aliases of the level below, twelve levels: 9^11 ≈ 3 × 10^10 strings if expanded. The yaml
  // package stops at maxAliasCount (100); runCli's 60 s timeout would kill a run that expanded it.
  const laughs = (indent = ''): string => {
    const lines = [`${indent}a0: &a0 "lol"`]
    for (let i = 1; i < 12; i++) lines.push(`${indent}a${i}: &a${i} [${Array.from({length: 9}, () => `*a${i - 1}`).join(', ')}]`)
    return lines.join('\n')
  }

  // Each level merges the one below twice: 2^29 mappings if expanded.
  const merges = (): string => {
    const lines = ['m0: &m0 {pool: 5}']
    for (let i = 1; i < 30; i++) lines.push(`m${i}: &m${i} {<<: [*m${i - 1}, *m${i - 1}], k${i}: 1}`)
    return lines.join('\n')
  }

  it.each([
    ['sequences', `${laughs()}\nproduction:\n  adapter: postgresql\n  pool: 7\n  x: *a11\n`],
    ['merge keys', `${merges()}\nproduction:\n  <<: *m29\n  adapter: postgresql\n  pool: 7\n`],
  ])('in config/database.yml (%s): a warning naming it, and the pool it may set is an assumption', (_, yml) => {
    const dir = app({})
    cpSync(fixture('rails-7-2'), dir, {recursive: true})
    writeFileSync(join(dir, 'config/database.yml'), yml)
    const r = runCli(['plan', '--limit', '100', '--json'], {cwd: dir})
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as {diagnostics: {code: string; file?: string; message: string}[]; processTypes: {name: string; sources: Record<string, {value: number; via?: {kind: string; why?: string}[]}>}[]}
    expect(json.diagnostics).toContainEqual(expect.objectContaining({
      code: 'unparsable-config',
      file: 'config/database.yml',
      message: 'cannot be read: its aliases (*name) expand to more than 100 copies, as an alias bomb does; conncalc uses the defaults instead',
    }))
    // pool: 7 cannot be read: ActiveRecord's default 5 is used, labelled an assumption (not a plain default).
    const pool = json.processTypes.find((p) => p.name === 'web')!.sources['pool.primary']
    expect(pool.value).toBe(5)
    expect(pool.via).toContainEqual({kind: 'assumed', why: 'config/database.yml sets this in a way conncalc cannot read; 5 used instead'})
  })

  it('20,000 anchors each merged once (900 KB): a warning that it holds too many aliases, not minutes of work', () => {
    // The yaml package finds each alias's anchor by a scan up to it (n² for n aliases: this took 67 s).
    const lines = Array.from({length: 20_000}, (_, i) => `d${i}: &d${i}\n  pool: ${(i % 9) + 1}\ne${i}:\n  <<: *d${i}`)
    const dir = app({})
    cpSync(fixture('rails-7-2'), dir, {recursive: true})
    writeFileSync(join(dir, 'config/database.yml'), `${lines.join('\n')}\nproduction:\n  <<: *d19999\n  adapter: postgresql\n`)
    const r = runCli(['plan', '--limit', '100'], {cwd: dir})
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('config/database.yml: warning: cannot be read: it holds more than 1000 aliases (*name), more than conncalc reads; conncalc uses the defaults instead')
  })

  it('in conncalc.yml: exit 2 naming the alias bomb, no "uses the defaults"', () => {
    const r = runCli(['plan'], {cwd: app({'Procfile': 'web: gunicorn app:app\n', 'conncalc.yml': `x:\n${laughs('  ')}\nplan: standard-0\n`})})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('conncalc.yml:1:1: config file is not valid YAML: its aliases (*name) expand to more than 100 copies, as an alias bomb does')
    expect(r.stderr).not.toContain('uses the defaults')
  })

  it('in a --plans-file: exit 2', () => {
    const r = runCli(['plan', '--plans-file', 'plans.yml', '--plan', 'x'], {cwd: app({'Procfile': 'web: gunicorn app:app\n', 'plans.yml': `${laughs()}\nplans: *a11\n`})})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('its aliases (*name) expand to more than 100 copies')
  })
})

// npm run bench, scale section: how cost grows with the input. Each case is generated in a
// temp folder, run as a user would (a spawned `conncalc plan`), and timed: wall time (median)
// and the child's max RSS, with the ratio to the smallest N of the same curve.
// Targets (issue 19): 1,000 apps < 2 s wall and < 300 MB; each curve at most linear from
// N = 100 on; 100,000 Procfile types or live rows < 3 s.
import {spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.env.BENCH_SCALE_RUNS ?? 3)
// Every run parses its Ruby files (no parse cache, src/io/parse-cache.ts): the curves measure the work, not a cache.
// The child prints its max RSS (KiB) on exit, on a line of its own on stderr.
const rssHook = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n@rss '+process.resourceUsage().maxRSS+'\\n'))`

function measure(args, cwd) {
  const walls = []
  let rss = 0
  for (let i = 0; i < runs + 1; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, ['--import', rssHook, join(root, 'bin/run.js'), ...args], {cwd, encoding: 'utf8', env: {...process.env, CONNCALC_PARSE_CACHE: '0', NO_COLOR: '1'}, maxBuffer: 1 << 30})
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0 && r.status !== 1) {
      console.error(`bench: conncalc ${args.join(' ')} exited ${r.status}\n${r.stderr.slice(0, 2000)}`)
      process.exit(2)
    }

    rss = Math.max(rss, Number(/@rss (\d+)/.exec(r.stderr)?.[1] ?? 0))
    if (i > 0) walls.push(ms) // the first run warms the file cache
  }

  walls.sort((a, b) => a - b)
  return {ms: walls[Math.floor(walls.length / 2)], rssMb: rss / 1024}
}

function curve(title, ns, setup) {
  console.log(`\n${title}`)
  console.log('       N      wall    max RSS   × N=first')
  let first
  for (const n of ns) {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-bench-'))
    try {
      const {args, cwd} = setup(dir, n)
      const m = measure(args, cwd)
      first ??= m.ms
      console.log(`${String(n.toLocaleString('en')).padStart(8)}  ${(m.ms / 1000).toFixed(2).padStart(6)} s  ${m.rssMb.toFixed(0).padStart(6)} MB  ${(m.ms / first).toFixed(1).padStart(8)}×`)
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  }
}

const apps = (dir, n) => {
  cpSync(join(root, 'examples/rails'), join(dir, 'rails'), {recursive: true})
  const rows = Array.from({length: n}, (_, i) => `  - name: app${i + 1}\n    procfile: rails/Procfile\n    scale: {web: 1, worker: 1}\n`)
  writeFileSync(join(dir, 'conncalc.yml'), `plan: standard-0\napps:\n${rows.join('')}`)
  return {args: ['plan'], cwd: dir}
}

const procfileTypes = (dir, n) => {
  // Short lines: 100,000 of them must stay under the Procfile's 1 MiB cap.
  const lines = Array.from({length: n}, (_, i) => `${i.toString(36)}:puma`)
  writeFileSync(join(dir, 'Procfile'), `${lines.join('\n')}\n`)
  return {args: ['plan', '--plan', 'standard-0'], cwd: dir}
}

// The same Procfile beside a Rails app's files (examples/rails: Gemfile.lock, config/puma.rb,
// database.yml): every type runs Puma with that app's config, as a real app's types share its files.
const procfileTypesRails = (dir, n) => {
  cpSync(join(root, 'examples/rails'), dir, {recursive: true})
  return procfileTypes(dir, n)
}

// settings.py imports m1, which imports m2, … the last sets the pool.
const pythonChain = (dir, n) => {
  mkdirSync(join(dir, 'app'))
  writeFileSync(join(dir, 'Procfile'), 'web: gunicorn app.wsgi --workers 2 --threads 4\n')
  writeFileSync(join(dir, 'requirements.txt'), 'django==5.1\ngunicorn==23.0\npsycopg[pool]==3.2\n')
  writeFileSync(join(dir, 'manage.py'), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\n')
  writeFileSync(join(dir, 'app/__init__.py'), '')
  writeFileSync(join(dir, 'app/wsgi.py'), 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\n')
  writeFileSync(join(dir, 'app/settings.py'), 'from app.m1 import *\n')
  for (let i = 1; i <= n; i++) {
    const next = i < n ? `from app.m${i + 1} import *\n` : 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"pool": {"max_size": 4}}}}\n'
    writeFileSync(join(dir, `app/m${i}.py`), `X${i} = ${i}\n${next}`)
  }

  return {args: ['plan', '--plan', 'standard-0'], cwd: dir}
}

// server.js requires m1.js, which requires m2.js, … the last creates the pg Pool.
const nodeChain = (dir, n) => {
  writeFileSync(join(dir, 'Procfile'), 'web: node server.js\n')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({dependencies: {pg: '^8.13.0'}, name: 'chain', private: true}))
  writeFileSync(join(dir, 'server.js'), "require('./m1')\n")
  for (let i = 1; i <= n; i++) {
    const next = i < n ? `require('./m${i + 1}')\n` : "const {Pool} = require('pg')\nmodule.exports = new Pool({max: 4})\n"
    writeFileSync(join(dir, `m${i}.js`), `exports.x${i} = ${i}\n${next}`)
  }

  return {args: ['plan', '--plan', 'standard-0'], cwd: dir}
}

// N process types, each its own entry (tI.js), every entry requiring the same chain of 200 modules (m1.js → … → m200.js,
// the last creates the pg Pool): a monorepo's types sharing its libraries. Each module is evaluated once for all the types.
const nodeTypesSharedChain = (dir, n) => {
  const chain = 200
  writeFileSync(join(dir, 'Procfile'), Array.from({length: n}, (_, i) => `t${i}: node t${i}.js\n`).join(''))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({dependencies: {pg: '^8.13.0'}, name: 'types', private: true}))
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `t${i}.js`), `const db = require('./m1')\nmodule.exports = {db, type: ${i}}\n`)
  for (let i = 1; i <= chain; i++) {
    const next = i < chain ? `const next = require('./m${i + 1}')\nmodule.exports = {next, x${i}: ${i}, make${i}(max) { return next.make${i + 1}(max) }}\n` : "const {Pool} = require('pg')\nmodule.exports = {pool: new Pool({max: 4}), make200(max) { return max }}\n"
    writeFileSync(join(dir, `m${i}.js`), next)
  }

  return {args: ['plan', '--plan', 'standard-0'], cwd: dir}
}

// server.js with N top-level names, each followed by an `if` on a config value conncalc cannot read (its arm sets the
// pool's max again): each undecided branch's arms are read from the names before it (js.ts Names, an undo log), in work
// that grows with the names the arms write, not with the N names in scope.
const nodeUndecidedBranches = (dir, n) => {
  writeFileSync(join(dir, 'Procfile'), 'web: node server.js\n')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({dependencies: {pg: '^8.13.0'}, name: 'branches', private: true}))
  const body = Array.from({length: n}, (_, i) => `const n${i} = ${i}\nif (cfg.f${i}) {\n  max = 4\n}\n`).join('')
  writeFileSync(join(dir, 'server.js'), `const {Pool} = require('pg')\nconst cfg = global.APP.config\nlet max = 4\n${body}module.exports = new Pool({max})\n`)
  return {args: ['plan', '--plan', 'standard-0'], cwd: dir}
}

// `python tasks.py job` where tasks.py calls `.run(…)` of its own module (not a Flask app's): the script imports a chain
// of N modules (m1 → … → mN, the last creating the SQLAlchemy engine), each with 20 helpers as an app's modules have.
// Werkzeug's reading loads the script, finds no Flask app, and the script's reading goes on in that one project
// (python/script-command.ts): each module is evaluated once, not once per project the analysis makes.
const pythonScriptRunChain = (dir, n) => {
  mkdirSync(join(dir, 'app'))
  writeFileSync(join(dir, 'Procfile'), 'worker: python tasks.py job\n')
  writeFileSync(join(dir, 'requirements.txt'), 'sqlalchemy==2.0.36\npsycopg2==2.9.10\n')
  writeFileSync(join(dir, 'tasks.py'), 'import sys\n\nfrom app import m1\n\nm1.run(sys.argv[1])\n')
  writeFileSync(join(dir, 'app/__init__.py'), '')
  const helpers = Array.from({length: 20}, (_, j) => `\n\ndef helper${j}(value, flag=None):\n    if flag:\n        return [value] * ${j}\n    return {"value": value, "n": ${j}}\n`).join('')
  for (let i = 1; i <= n; i++) {
    const next = i < n ? `from app import m${i + 1}\n\nX${i} = ${i}\n\n\ndef run(name):\n    return m${i + 1}.run(name)\n` : 'from sqlalchemy import create_engine\n\nengine = create_engine("postgresql://localhost/app", pool_size=4, max_overflow=0)\n\n\ndef run(name):\n    return engine\n'
    writeFileSync(join(dir, `app/m${i}.py`), next + helpers)
  }

  return {args: ['plan', '--plan', 'standard-0'], cwd: dir}
}

// A Django settings module of N names, each set by a call of its own function whose body has an `if` conncalc cannot
// decide: each call, and each arm, walks in a copy-on-write fork of the module's names (python/scope.ts), where it used
// to copy all of them (N calls x N names: 10,000 names took 27 s).
const pythonSettingsCalls = (dir, n) => {
  pythonChain(dir, 1)
  const lines = Array.from({length: n}, (_, i) => `S${i} = setting("S${i}", ${i})\n`).join('')
  const setting = 'def setting(name, default):\n    if random.random() > 0.5:\n        value = os.environ.get(name, default)\n    else:\n        value = default\n    return value\n'
  writeFileSync(join(dir, 'app/settings.py'), `import os\nimport random\n\n\n${setting}\n\n${lines}\nfrom app.m1 import *\n`)
  return {args: ['plan', '--plan', 'standard-0'], cwd: dir}
}

// A Go module whose cmd/app imports internal/svc: N files of 40 functions each (assignments, ifs, calls), read for the
// pool internal/db opens. Each file's nodes the reading needs are found in one pass inside tree-sitter
// (go-code.ts walkedNodes), not five walks making a Node for every node (readGoCode reads at most 300 files).
const goPackageFiles = (dir, n) => {
  for (const d of ['cmd/app', 'internal/db', 'internal/svc']) mkdirSync(join(dir, d), {recursive: true})
  writeFileSync(join(dir, 'Procfile'), 'web: bin/app\n')
  writeFileSync(join(dir, 'go.mod'), 'module example.com/shop\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n')
  writeFileSync(join(dir, 'cmd/app/main.go'), 'package main\n\nimport (\n\t"example.com/shop/internal/db"\n\t"example.com/shop/internal/svc"\n)\n\nfunc main() {\n\tsvc.Run(db.Open())\n}\n')
  writeFileSync(join(dir, 'internal/db/db.go'), 'package db\n\nimport (\n\t"database/sql"\n\t"os"\n\n\t_ "github.com/lib/pq"\n)\n\nfunc Open() *sql.DB {\n\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))\n\tdb.SetMaxOpenConns(8)\n\treturn db\n}\n')
  const fn = (i, j) => `func f${i}_${j}(items []string, limit int) (int, error) {\n\ttotal := 0\n\tfor _, item := range items {\n\t\tif len(item) > limit {\n\t\t\ttotal += len(strings.TrimSpace(item))\n\t\t} else {\n\t\t\ttotal = total + ${j}\n\t\t}\n\t}\n\tname := fmt.Sprintf("f%d", total)\n\treturn len(name), nil\n}\n`
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `internal/svc/s${i}.go`), `package svc\n\nimport (\n\t"fmt"\n\t"strings"\n)\n\n${Array.from({length: 40}, (_, j) => fn(i, j)).join('\n')}`)
  writeFileSync(join(dir, 'internal/svc/run.go'), 'package svc\n\nimport "database/sql"\n\nfunc Run(db *sql.DB) {\n\t_ = db.Ping()\n}\n')
  return {args: ['plan', '--plan', 'standard-0'], cwd: dir}
}

// A Flask app of N modules, each importing the 20 modules before it and starting a thread in a helper that a request
// handler of the next module calls: each import is resolved to its file once per project (python/modules.ts resolve),
// and each helper's callers are looked for among the calls that may call it (import-threads.ts mayCall), not all of the app's.
const pythonThreadHelpers = (dir, n) => {
  mkdirSync(join(dir, 'app'))
  writeFileSync(join(dir, 'Procfile'), 'web: gunicorn app:app --workers 2\n')
  writeFileSync(join(dir, 'requirements.txt'), 'Flask==3.0.3\ngunicorn==23.0.0\npsycopg2-binary==2.9.9\n')
  const imports = Array.from({length: n}, (_, i) => `from app import m${i}\n`).join('')
  writeFileSync(join(dir, 'app/__init__.py'), `import os\n\nimport psycopg2\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\ndef connect():\n    return psycopg2.connect(os.environ["DATABASE_URL"])\n\n\n${imports}`)
  for (let i = 0; i < n; i++) {
    const before = Array.from({length: Math.min(i, 20)}, (_, j) => `from app import m${i - j - 1}\n`).join('')
    const calls = i > 0 ? `    m${i - 1}.notify${i - 1}(path)\n` : ''
    writeFileSync(join(dir, `app/m${i}.py`), `import threading\n\nfrom app import app, connect\n${before}\n\ndef notify${i}(path):\n    threading.Thread(target=connect).start()\n\n\ndef helper${i}(value):\n    return [value] * ${i}\n\n\n@app.route("/m${i}/<path>")\ndef view${i}(path):\n${calls}    helper${i}(path)\n    return str(connect().server_version)\n`)
  }

  return {args: ['plan', '--plan', 'standard-0'], cwd: dir}
}

export async function scaleSection() {
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ')
  console.log(`\nscale: wall time (median of ${runs} runs) and max RSS as N grows (load average ${load()})`)
  if (!process.env.BENCH_SKIP_APPS) curve('apps on one database (conncalc.yml, each examples/rails)', [1, 10, 100, 1000], apps)
  curve('process types in one Procfile', [1, 1000, 100_000], procfileTypes)
  curve("process types in one Procfile, beside examples/rails's files", [1, 1000, 100_000], procfileTypesRails)
  curve('Python modules imported in a chain from Django settings', [1, 100, 1000], pythonChain)
  curve('JavaScript modules required in a chain from the entry', [1, 100, 1000], nodeChain)
  curve('Node process types, each requiring the same chain of 200 modules', [1, 10, 100], nodeTypesSharedChain)
  curve('JavaScript top-level names, each followed by an undecided if', [1, 100, 1000, 10_000], nodeUndecidedBranches)
  curve('Python modules imported in a chain from a script that calls .run() of its own module', [1, 100, 1000], pythonScriptRunChain)
  curve("Python settings names, each set by a call of the module's function with an undecided `if`", [100, 1000, 10_000], pythonSettingsCalls)
  curve('Go files of 40 functions in a package the binary imports', [1, 100, 300], goPackageFiles)
  curve('Python modules each importing the 20 before it, with a helper starting a thread that the next module\'s view calls', [1, 100, 1000], pythonThreadHelpers)
  await liveRows([100, 10_000, 100_000])
  console.log(`\nload average at the end: ${load()}`)
}

// pg_stat_activity rows: a generated snapshot through the live report and its views, in
// one process (no server can hold 100,000 sessions). Built from src/ with esbuild.
async function liveRows(ns) {
  const {build} = await import('esbuild')
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-bench-live-'))
  try {
    const entry = `
      import chalk from 'chalk'
      import {buildLiveReport, liveJson} from ${JSON.stringify(join(root, 'src/live/live-report.ts'))}
      import {renderLive} from ${JSON.stringify(join(root, 'src/render/live.ts'))}
      const n = Number(process.argv[2])
      const states = ['active', 'idle', 'idle in transaction', null]
      const backends = Array.from({length: n}, (_, i) => ({applicationName: i % 7 === 0 ? '' : 'web.' + (i % 300), clientAddr: '10.0.' + (i % 250) + '.' + (i % 200), database: 'd' + (i % 3), pid: 1000 + i, state: states[i % 4], stateSeconds: i % 5000, user: 'u' + (i % 4)}))
      const snapshot = {backends, maxConnections: 262143, reservedConnections: 0, role: {canUseReserved: false, connectionLimit: null, name: 'u0', superuser: false}, serverVersion: '16.4', ssl: {encrypted: true, mode: 'require', modeFrom: 'url', note: '', verified: false}, superuserReservedConnections: 3, url: 'postgres://u0:***@localhost/d0'}
      const report = buildLiveReport(snapshot, {idleInTransactionSeconds: 60, staleIdleSeconds: 3600, warnAt: 0.8}, null)
      const out = renderLive(report, new chalk.constructor({level: 0})) + JSON.stringify(liveJson(report))
      if (out.length === 0) process.exit(2)
    `
    const outfile = join(dir, 'live-bench.mjs')
    await build({bundle: true, format: 'esm', outfile, platform: 'node', stdin: {contents: entry, loader: 'ts', resolveDir: root}, target: 'node20', logLevel: 'warning'})
    console.log('\npg_stat_activity rows through the live report and views (generated snapshot, in process)')
    console.log('       N      wall    max RSS   × N=first')
    let first
    for (const n of ns) {
      const walls = []
      let rss = 0
      for (let i = 0; i < runs; i++) {
        const t0 = process.hrtime.bigint()
        const r = spawnSync(process.execPath, ['--import', rssHook, outfile, String(n)], {encoding: 'utf8'})
        walls.push(Number(process.hrtime.bigint() - t0) / 1e6)
        if (r.status !== 0) throw new Error(`live bench exited ${r.status}: ${r.stderr.slice(0, 2000)}`)
        rss = Math.max(rss, Number(/@rss (\d+)/.exec(r.stderr)?.[1] ?? 0))
      }

      walls.sort((a, b) => a - b)
      const ms = walls[Math.floor(walls.length / 2)]
      first ??= ms
      console.log(`${String(n.toLocaleString('en')).padStart(8)}  ${(ms / 1000).toFixed(2).padStart(6)} s  ${(rss / 1024).toFixed(0).padStart(6)} MB  ${(ms / first).toFixed(1).padStart(8)}×`)
    }
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }
}

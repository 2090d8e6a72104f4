#!/usr/bin/env node
// npm run bench: how much `conncalc --version` and a full `conncalc plan` cost next to a bare
// `node -e 0`. Wall-clock medians over several runs, the cases interleaved so a change in the
// machine's load hits them alike; prints each and its ratio to `node -e 0` in the same run
// (issue 19's targets: plan on examples/rails ≤ 2.5×, --version ≤ 1.5×). NODE_EXTRA_CA_CERTS is
// unset for every run: it adds ~40 ms to each Node start, `node -e 0` included. A Rails app
// loads no Python or JS parser; the Django and Node apps load tree-sitter-python (WebAssembly)
// and oxc-parser the first time they read a file of their language.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 15)
const apps = [
  ['examples/rails', ['--procfile', 'examples/rails/Procfile', '--scale', 'web=2', 'worker=1']],
  ['django (fixture)', ['--procfile', 'test/fixtures/django-gunicorn-celery/Procfile', '--scale', 'web=2', 'worker=1']],
  ['node (fixture)', ['--procfile', 'test/fixtures/node-knex-throng/Procfile', '--scale', 'web=2']],
]

// Prism's parses are kept between runs (src/io/parse-cache.ts): here in a folder of the bench's
// own, which the warm-up rounds fill, so what the user's cache holds does not count.
const parses = mkdtempSync(join(tmpdir(), 'conncalc-bench-parses-'))
process.on('exit', () => rmSync(parses, {force: true, recursive: true}))
const env = {...process.env, CONNCALC_PARSE_CACHE: parses, NO_COLOR: '1'}
delete env.NODE_EXTRA_CA_CERTS

// bin/run.js keeps V8's code for the bundle between runs (bin/code-cache.js): the warm-up rounds
// write it, the timed runs use it, as every run but a user's first does. The Rails app is also
// timed as a first run of an app (its Ruby files parsed by Prism's WebAssembly: no parse cache,
// as in a CI job that keeps no cache folder) and as a first run ever (neither cache).
const rails = ['bin/run.js', 'plan', ...apps[0][1], '--plan', 'essential-0']
const cases = [
  ['node -e 0', ['-e', '0'], undefined],
  ['conncalc --version', ['bin/run.js', '--version'], 1.5],
  ...apps.map(([name, args]) => [`conncalc plan ${name}${name === 'examples/rails' ? ' (parses cached)' : ''}`, ['bin/run.js', 'plan', ...args, '--plan', 'essential-0'], name === 'examples/rails' ? 2.5 : undefined]),
  [`conncalc plan ${apps[0][0]}, first run of the app (no parse cache)`, rails, 2.5, {CONNCALC_PARSE_CACHE: '0'}],
  [`conncalc plan ${apps[0][0]}, no code cache, no parse cache`, rails, undefined, {CONNCALC_CODE_CACHE: '0', CONNCALC_PARSE_CACHE: '0'}],
]
const times = cases.map(() => [])
// npm run bench -- --scale-only skips the start-up section (the scale section alone, for work on it).
const startUp = !process.argv.includes('--scale-only')
for (let i = 0; startUp && i < runs + 2; i++) {
  for (const [c, [, args, , extra]] of cases.entries()) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, {cwd: root, encoding: 'utf8', env: {...env, ...extra}})
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0 && r.status !== 1) {
      console.error(`bench: ${args.join(' ')} exited ${r.status}\n${r.stderr}`)
      process.exit(2)
    }

    if (i >= 2) times[c].push(ms) // the first two rounds warm the file cache
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
if (startUp) {
  const baseline = median(times[0])
  console.log(`start-up: wall median of ${runs} runs each (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`)
  for (const [c, [name, , target]] of cases.entries()) {
    const ms = median(times[c])
    console.log(`${name.padEnd(72)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / baseline).toFixed(2)}×${target ? ` (target ≤ ${target}×)` : ''}`)
  }
}

// The scale section (npm run bench -- --no-scale skips it).
if (!process.argv.includes('--no-scale')) {
  const {scaleSection} = await import('./scale.js')
  await scaleSection()
}

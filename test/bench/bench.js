#!/usr/bin/env node
// npm run bench: how much a full `conncalc plan` costs next to a bare `node -e 0`.
// Wall-clock medians over several runs; prints each and its ratio to `node -e 0` in the same run
// (target: ≤ 4×). A Rails app loads no Python or JS parser; the Django and Node apps load
// tree-sitter-python (WebAssembly) and oxc-parser the first time they read a file of their language.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 15)
const apps = [
  ['examples/rails', ['--procfile', 'examples/rails/Procfile', '--scale', 'web=2', 'worker=1']],
  ['django (fixture)', ['--procfile', 'test/fixtures/django-gunicorn-celery/Procfile', '--scale', 'web=2', 'worker=1']],
  ['node (fixture)', ['--procfile', 'test/fixtures/node-knex-throng/Procfile', '--scale', 'web=2']],
]

function median(args) {
  const times = []
  for (let i = 0; i < runs + 2; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(process.execPath, args, {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}})
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0 && r.status !== 1) {
      console.error(`bench: ${args.join(' ')} exited ${r.status}\n${r.stderr}`)
      process.exit(2)
    }

    if (i >= 2) times.push(ms) // the first two runs warm the file cache
  }

  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

const baseline = median(['-e', '0'])
console.log(`node -e 0                         ${baseline.toFixed(1)} ms (median of ${runs})`)
for (const [name, args] of apps) {
  const ms = median(['bin/run.js', 'plan', ...args, '--plan', 'essential-0'])
  console.log(`conncalc plan ${name.padEnd(19)} ${ms.toFixed(1)} ms  ${(ms / baseline).toFixed(2)}× (target ≤ 4×)`)
}

// The scale section (npm run bench -- --no-scale skips it).
if (!process.argv.includes('--no-scale')) {
  const {scaleSection} = await import('./scale.js')
  await scaleSection()
}

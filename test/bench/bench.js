#!/usr/bin/env node
// npm run bench: how much a full `conncalc plan` costs next to a bare `node -e 0`.
// Wall-clock medians over several runs; prints both and the ratio (target: ≤ 4×).
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const runs = Number(process.env.BENCH_RUNS ?? 15)
const plan = ['bin/run.js', 'plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']

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
const full = median(plan)
console.log(`node -e 0          ${baseline.toFixed(1)} ms (median of ${runs})`)
console.log(`conncalc plan      ${full.toFixed(1)} ms (examples/rails, --plan essential-0)`)
console.log(`ratio              ${(full / baseline).toFixed(2)}× (target ≤ 4×)`)

// The scale section (npm run bench -- --no-scale skips it).
if (!process.argv.includes('--no-scale')) {
  const {scaleSection} = await import('./scale.js')
  await scaleSection()
}

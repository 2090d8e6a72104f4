import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {ROOT, runCliInProcess, runCliInProcessAsync} from '../helpers/cli.js'

const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {version: string}).version

// The test helper that runs conncalc's bundle in a worker thread (test/helpers/cli.ts). Test files
// share that worker (vitest.config.ts isolate: false), so an async run a timed-out test left behind
// can still be running when the next test asks: each answer must reach the call that asked for it.
describe('the in-process test worker', () => {
  it('answers a run asked while another is still running with its own result, and finishes the other', async () => {
    // examples/rails on essential-0 at web=2 worker=1: 17 of 20 (README quick start), exit 0.
    const left = runCliInProcessAsync(['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1', '--json'])
    const version = runCliInProcess(['--version'])
    expect(version.code).toBe(0)
    expect(version.stdout).toContain(`conncalc/${VERSION}`)
    expect(version.stdout).not.toContain('{')
    const plan = await left
    expect(plan.code).toBe(0)
    expect((JSON.parse(plan.stdout) as {total: number}).total).toBe(17)
  })
})

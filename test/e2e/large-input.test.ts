import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {runCliInProcess} from '../helpers/cli.js'

// Input sized past what a spread can pass as arguments (V8 throws "Maximum call stack size
// exceeded" from about 120,000): conncalc finishes with exit 0 or 1, no stack trace, and a
// bounded number of warnings. runCliInProcess's 60 s timeout is the time bound (a run it stops has
// no code); its worker's stack is a little smaller than a process's, so the spread limit is lower there.

interface Json {
  diagnostics: {code: string; line?: number; message: string}[]
  processTypes: {connections: number; name: string}[]
}

describe('a Procfile of 150,000 lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-large-'))
  afterAll(() => rmSync(dir, {force: true, recursive: true}))
  const junk = (count: number, line: (i: number) => string, last: string[] = []): string => {
    const lines = ['web: bundle exec puma']
    for (let i = 0; i < count; i++) lines.push(line(i))
    writeFileSync(join(dir, 'Procfile'), `${[...lines, ...last].join('\n')}\n`) // under the 1 MiB cap
    return join(dir, 'Procfile')
  }

  it('of junk: 20 ignored lines are warned about one by one, the other 149,980 in one warning', () => {
    const procfile = junk(150_000, (i) => `!${i % 10}`)
    const r = runCliInProcess(['plan', '--procfile', procfile, '--limit', '100', '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as Json
    // Puma's defaults: 5 threads, ActiveRecord's pool 5 → 5 connections on 1 dyno.
    expect(json.processTypes.map((p) => [p.name, p.connections])).toEqual([['web', 5]])
    const ignored = json.diagnostics.filter((d) => d.code === 'invalid-procfile-line')
    expect(ignored).toHaveLength(21)
    expect(ignored.slice(0, 20).map((d) => d.line)).toEqual(Array.from({length: 20}, (_, i) => i + 2))
    // Line 1 is web; lines 2 … 21 are shown; 150,000 − 20 = 149,980 from line 22 on.
    expect(ignored[20]).toMatchObject({line: 22, message: 'and 149980 more lines ignored, not "type: command" (from line 22 on)'})
  })

  it('of junk, in the table view: the same 21 warnings, nothing more', () => {
    const procfile = junk(150_000, (i) => `!${i % 10}`)
    const r = runCliInProcess(['plan', '--procfile', procfile, '--limit', '100'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout.match(/\[invalid-procfile-line\]/g)).toHaveLength(21)
    expect(r.stdout).toContain('and 149980 more lines ignored')
    expect(r.stdout.split('\n').length).toBeLessThan(80)
  })

  it('of one type written again and again: 20 repeats named, the rest in one warning, the last definition used', () => {
    // web: puma, then 150,000 × `web:x` (900 KB), then `web: bundle exec sidekiq -c 4`: the last one wins,
    // 4 threads ≤ ActiveRecord's pool 5 → 4 connections. 150,001 repeats, 20 shown: 149,981 more from line 22.
    const procfile = junk(150_000, () => 'web:x', ['web: bundle exec sidekiq -c 4'])
    const r = runCliInProcess(['plan', '--procfile', procfile, '--limit', '100', '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as Json
    expect(json.processTypes.map((p) => [p.name, p.connections])).toEqual([['web', 4]])
    const again = json.diagnostics.filter((d) => d.code === 'duplicate-process-type')
    expect(again).toHaveLength(21)
    expect(again[20].message).toBe('and 149981 more process types defined again (from line 22 on); the last definition of each is used')
  })

  it('of 1,000 commands conncalc does not know: the table shows 20 of their warnings and one line for the rest; --json has all', () => {
    // 1,000 types `tN: ./tool-N`, each an unknown command counted 1 process × 1 connection on 1 dyno
    // (--scale gives no count; --limit keeps it a budget, not a failure).
    const lines = Array.from({length: 1000}, (_, i) => `t${i}: ./tool-${i}`)
    writeFileSync(join(dir, 'Procfile'), `${lines.join('\n')}\n`)
    const table = runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), '--limit', '100000'])
    expect(table.stderr).toBe('')
    expect(table.stdout.match(/\[unknown-command\]/g)).toHaveLength(21)
    // 1,000 − 20 shown = 980 left out.
    expect(table.stdout).toContain('980 more like the 20 above, not shown (--json lists every one) [unknown-command]')
    const json = JSON.parse(runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), '--limit', '100000', '--json']).stdout) as Json
    expect(json.diagnostics.filter((d) => d.code === 'unknown-command')).toHaveLength(1000)
  })
})

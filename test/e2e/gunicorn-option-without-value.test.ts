/**
 * A gunicorn option that takes a value, followed in the Procfile by another of gunicorn's options (`-b --chdir ./api
 * shop:app`): argparse takes the second word as an option, so -b has no value and gunicorn exits with "argument
 * -b/--bind: expected one argument" (status 2) before it imports the app. Said with missing-config on the line, the
 * process still counted as if it ran, its processes an assumption. Words a variable gave (`--bind $PORT`) and values
 * that only look like options (`--timeout -1`, argparse reads a negative number as a value) are not this.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a gunicorn option with no value (fixture python-gunicorn-option-without-value)', () => {
  const r = planJson(procfileOf('python-gunicorn-option-without-value'), ['--limit', '20'])
  const said = r.diagnostics.filter((d) => d.code === 'missing-config')

  it('web\'s `-b --chdir` is said on its Procfile line; admin (--bind=…, --timeout -1) and ops (--bind $PORT) are not', () => {
    expect(said.map((d) => [d.processType, d.file, d.line])).toEqual([['web', 'Procfile', 1]])
    expect(said[0].message).toContain('web: gunicorn\'s `-b --chdir`: -b has no value')
    expect(said[0].message).toContain('"expected one argument" (exit 2)')
    expect(said[0].severity).toBe('warning')
    expect(r.exit).toBe(0)
  })

  it('the numbers stay as if gunicorn ran, web\'s processes starred', () => {
    // api/shop.py opens one psycopg2 connection per request, no pool: 1 per sync worker.
    // web --workers 2 → 2; admin --workers 3 → 3; ops --workers 1 → 1. Total 2 + 3 + 1 = 6.
    expect(r.type('web')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('counted as if it ran')}))
    expect(r.type('admin')).toMatchObject({connections: 3, processesPerDyno: 3})
    expect(r.type('admin').sources.processesPerDyno.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.type('ops')).toMatchObject({connections: 1, processesPerDyno: 1})
    expect(r.total).toBe(6)
  })
})

/**
 * Hypercorn's -c/--config (test/fixtures/hypercorn-config): hypercorn/__main__.py _load_config reads `python:module`
 * (Config.from_object), `file:path.py` (Config.from_pyfile) or else a TOML file (Config.from_toml), and a -w/--workers
 * given on the command line replaces the config's workers (main). The app: Quart with an asyncpg pool of max 5 made
 * before serving, on one event loop per worker, so each process can hold 5.
 * - web: --config hypercorn.toml (workers = 3): 3 × 5 = 15 (was 1 process, starred: "config is not read").
 * - py: --config file:conf/hypercorn_conf.py (workers = int(os.environ.get("HYPERCORN_WORKERS", "4"))): 4 × 5 = 20.
 * - flag: the TOML and --workers 2: 2 × 5 = 10.
 * - missing: a config that is no file of the app: the default 1, starred and said: 5.
 * And in an image (hypercorn-config-image): `COPY hypercorn.toml /app/` beside `COPY src/ /app/` is read from the root.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('hypercorn --config (test/fixtures/hypercorn-config)', () => {
  const r = planJson(`${fixture('hypercorn-config')}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'py=1', 'flag=1', 'missing=1'])

  it('reads workers from a TOML config and from a file: Python config, a --workers flag winning over both', () => {
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 15, processesPerDyno: 3})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'hypercorn.toml', kind: 'file', line: 3})
    expect(r.type('py')).toMatchObject({connectionsPerDyno: 20, processesPerDyno: 4})
    expect(r.type('flag')).toMatchObject({connectionsPerDyno: 10, processesPerDyno: 2})
    expect(r.diagnostics.filter((d) => d.processType !== 'missing' && d.code === 'unknown-config-value')).toEqual([])
  })

  it('says a config it cannot find, and counts the default, starred', () => {
    expect(r.type('missing')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 1})
    expect(JSON.stringify(r.type('missing').sources.processesPerDyno)).toContain('"kind":"assumed"')
    const d = r.diagnostics.find((x) => x.processType === 'missing' && x.code === 'unknown-config-value')
    expect(d?.message).toContain('missing: hypercorn config deploy/hypercorn.toml is not read (no such file in the app); using 1')
    expect(r.total).toBe(50)
  })
})

describe('hypercorn --config in an image whose WORKDIR holds src/ (test/fixtures/hypercorn-config-image)', () => {
  it('reads the TOML a COPY put in the WORKDIR from the repository root: workers 3 × 5 = 15 (pgjones/tozo\'s shape)', () => {
    const r = planJson(`${fixture('hypercorn-config-image')}/Dockerfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 15, processesPerDyno: 3})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'hypercorn.toml', kind: 'file', line: 3})
    expect(r.codes).not.toContain('unknown-config-value')
  })
})

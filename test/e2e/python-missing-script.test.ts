/**
 * `python pybossa/web.py` of a script the repo no longer holds (a Procfile the app outgrew): Python stops with
 * "can't open file" before it runs anything. conncalc keeps the unknown command's 1* (the script may be made at
 * build) but says why, where it said only that it did not recognise "python". Made-up app.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

describe('a Python script the app does not hold', () => {
  it('is said to be missing, with its path', () => {
    const r = planJson(join(app({Procfile: 'web: python -u shop/web.py\n', 'requirements.txt': 'Flask==0.10.1\npsycopg2==2.6\n', 'shop/__init__.py': ''}), 'Procfile'), ['--limit', '100', '--scale', 'web=1:standard-1x'])
    const d = r.diagnostics.find((x) => x.code === 'unknown-command')
    expect(d?.message).toContain('shop/web.py is not in the app: Python stops with "can\'t open file" at start')
    expect(r.type('web').sources.threadsPerProcess.source.kind).toBe('assumed')
  })
})

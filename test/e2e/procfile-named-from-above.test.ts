/**
 * A Procfile in a subfolder whose command names its file from the repository root (`back_end/Procfile` with
 * `web: node ./back_end/index.js`, SPAI-Team/Human-Entrance-Counter's shape): run from back_end/ (no --root) the file
 * is not there, so a warning says it is in the folder above and gives the flags that count it from there
 * (load-app.ts namedFromAbove). With --root at the repository root the pool is read: pg max 20.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  'back_end/Procfile': 'web: node ./back_end/index.js\n',
  'back_end/index.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 20})\nmodule.exports = () => pool.query('SELECT 1')\n",
  'package.json': JSON.stringify({dependencies: {pg: '^8.13.1'}, name: 'counter'}),
}

describe('a Procfile whose commands name files from the folder above', () => {
  it('without --root: said, with the --root that counts it', () => {
    const dir = app(files)
    const r = planJson(`${dir}/back_end/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    const said = r.diagnostics.find((d) => d.code === 'missing-config' && d.message.includes('folder above'))
    expect(said).toMatchObject({file: 'Procfile', line: 1, processType: 'web', severity: 'warning'})
    expect(said?.message).toContain('back_end/index.js is not in back_end/ (there is no back_end/back_end/index.js) but is in the folder above it')
    expect(said?.fix).toMatch(/^count it from there: --procfile \S+back_end\/Procfile --root \S+$/)
  })

  it('with --root at the repository root: no such warning, and the pool is counted', () => {
    const dir = app(files)
    const r = planJson(`${dir}/back_end/Procfile`, ['--root', dir, '--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.total).toBe(20)
    expect(r.diagnostics.some((d) => d.message.includes('folder above'))).toBe(false)
  })
})

/**
 * An app whose only Fly.io config is a fly.NAME.toml (`fly deploy --config fly.production.toml`), with no Procfile,
 * heroku.yml, fly.toml or render.yaml: that config's [processes] are what runs (load-app.ts onlyFlyVariants). Before,
 * the variant was only named in a hint and the Node buildpack's default web (`npm start`) was counted alone.
 * Configs of other environments (fly.staging.toml) are another app on its own database: named, not counted. Other Fly
 * apps of the repository (fly.worker.toml) may share the database: a warning says they are not counted.
 * pg's default max is 10 (https://node-postgres.com/apis/pool); the app sets max 4 and 3.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const code = {
  'package.json': JSON.stringify({dependencies: {pg: '^8.13.1'}, name: 'invoices', scripts: {start: 'node src/server.js'}}),
  'src/server.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 4})\nmodule.exports = () => pool.query('SELECT 1')\n",
  'src/worker.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 3})\nmodule.exports = () => pool.query('SELECT 1')\n",
}
const production = 'app = "invoices"\n\n[processes]\n  web = "node src/server.js"\n  worker = "node src/worker.js"\n'
const staging = 'app = "invoices-staging"\n\n[processes]\n  web = "node src/server.js"\n'
const other = 'app = "invoices-reports"\n\n[processes]\n  reports = "node src/worker.js"\n'

describe('a fly.NAME.toml as the only deploy file', () => {
  it('fly.production.toml is read over fly.staging.toml: web 4 + worker 3, the staging config named', () => {
    const r = planJson(`${app({...code, 'fly.production.toml': production, 'fly.staging.toml': staging})}/Procfile`, ['--plan', 'standard-0'])
    expect(r.processTypes.map((t) => [t.name, t.dynos, t.connections])).toEqual([
      ['web', 1, 4],
      ['worker', 1, 3],
    ])
    expect(r.total).toBe(7)
    const said = r.diagnostics.find((d) => d.code === 'missing-config' && d.message.includes('fly.production.toml is read'))
    expect(said).toMatchObject({file: 'fly.production.toml', severity: 'info'})
    expect(said?.message).toContain("fly.staging.toml is another environment's (its own app and database), not read")
  })

  it('another Fly app beside it is warned about, with the flag that counts it', () => {
    const r = planJson(`${app({...code, 'fly.production.toml': production, 'fly.reports.toml': other, 'fly.example.toml': other})}/Procfile`, ['--plan', 'standard-0'])
    expect(r.total).toBe(7)
    const said = r.diagnostics.find((d) => d.code === 'missing-config' && d.message.includes('fly.production.toml is read'))
    expect(said?.severity).toBe('warning')
    expect(said?.message).toContain('fly.reports.toml deploys another Fly app, not counted here')
    expect(said?.message).not.toContain('fly.example.toml')
    expect(said?.fix).toBe('to count another, pass --procfile fly.reports.toml')
  })

  it('a lone fly.api.toml is read; with only an example config the buildpack default web stays', () => {
    const r = planJson(`${app({...code, 'fly.api.toml': production})}/Procfile`, ['--plan', 'standard-0'])
    expect(r.total).toBe(7)
    const example = planJson(`${app({...code, 'fly.example.toml': production})}/Procfile`, ['--plan', 'standard-0'])
    expect(example.processTypes.map((t) => [t.name, t.connections])).toEqual([['web', 4]])
  })
})

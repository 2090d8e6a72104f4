/**
 * A Python app with a package.json for its assets (test/fixtures/python-with-assets), and no
 * buildpacks named in the repository. Heroku's detection would take Node.js first and build only
 * that, so an app whose web process is gunicorn must have its buildpacks set, Python last ("Node.js
 * for asset preparation … followed by the native buildpack of your application", heroku-buildpack-multi's
 * README). The Python buildpack's WEB_CONCURRENCY on standard-1x: min(nproc 8 × 2 + 1, 512 MB ÷ 256) = 2.
 * Still an assumption (the buildpacks are not in the repository): starred and explained.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (procfile: string, ...args: string[]) => planJson(procfileOf(`python-with-assets/${procfile}`), ['--plan', 'standard-0', ...args])

describe('which buildpack an app with Python and Node.js files runs last', () => {
  it('web runs gunicorn: Python\'s WEB_CONCURRENCY (2 on standard-1x), assumed and saying why; 2 dynos × 2 × 1 = 4', () => {
    const r = plan('Procfile', '--scale', 'web=2:standard-1x', 'worker=1:standard-1x')
    expect(r.type('web')).toMatchObject({connections: 4, processesPerDyno: 2, server: 'gunicorn'})
    const s = r.type('web').sources.processesPerDyno
    expect(s.source).toMatchObject({kind: 'assumed', why: expect.stringMatching(/the web process runs gunicorn \(Procfile:1\), so heroku\/python is taken as the last buildpack.*heroku\/python buildpack sets WEB_CONCURRENCY=2 on standard-1x/)})
  })

  it('WEB_CONCURRENCY set by the user decides: 3, read', () => {
    const r = plan('Procfile', '--scale', 'web=1:standard-1x', '--env', 'WEB_CONCURRENCY=3')
    expect(r.type('web').processesPerDyno).toBe(3)
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({kind: 'env', name: 'WEB_CONCURRENCY'})
  })

  it('web runs node (throng, WEB_CONCURRENCY workers): Heroku\'s detection order, Node.js first, stays the assumption: 512 ÷ 512 = 1', () => {
    const r = plan('Procfile.node', '--scale', 'web=1:standard-1x')
    expect(r.type('web').processesPerDyno).toBe(1)
    expect(JSON.stringify(r.type('web').sources.processesPerDyno)).toContain("Heroku's detection order is assumed: heroku/nodejs buildpack sets WEB_CONCURRENCY=1")
  })
})

describe('a monorepo whose root has only a package.json, the Rails app in backend/ (test/fixtures/monorepo-rails-backend)', () => {
  it('web runs `cd backend && bundle exec puma`: the Ruby buildpack is taken as last, which sets no WEB_CONCURRENCY, so puma.rb\'s fallback 2 workers × 3 threads = 6 (not the Node.js buildpack\'s 1 × 3)', () => {
    const r = planJson(procfileOf('monorepo-rails-backend'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 2, server: 'puma', threadsPerProcess: 3})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'backend/config/puma.rb', kind: 'file', line: 4})
  })
})

import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const run = (app: string, args: string[] = []) => runJson<PlanJson>(['plan', '--procfile', fixture(`${app}/Procfile`), '--plan', 'standard-0', ...args])
const numbers = (r: {json: PlanJson}, name: string) => {
  const p = r.json.processTypes.find((x) => x.name === name)!
  return [p.server, p.processesPerDyno, p.threadsPerProcess, p.poolPerProcess, p.connections]
}

// Django's ASGIHandler serves each request in a ThreadSensitiveContext of its own (django/core/handlers/asgi.py):
// sync views and the ORM run on a thread per concurrent request, each with its own connection per alias.
describe('Django over ASGI (conncalc plan --json)', () => {
  it('no pool and no concurrency limit: unbounded-pool with a fix, 1 counted as a labelled assumption; --limit-concurrency bounds uvicorn', () => {
    const r = run('django-asgi')
    expect(r.code).toBe(0)
    // gunicorn + UvicornWorker: 3 × 1 (assumed); daphne: 1 × 1 (assumed);
    // uvicorn --workers 2 --limit-concurrency 20: each of the 20 requests its own connection, 2 × 20 = 40. Total 3 + 1 + 40 = 44.
    expect(numbers(r, 'web')).toEqual(['gunicorn', 3, 1, 1, 3])
    expect(numbers(r, 'ws')).toEqual(['daphne', 1, 1, 1, 1])
    expect(numbers(r, 'api')).toEqual(['uvicorn', 2, 20, 20, 40])
    expect(r.json.total).toBe(44)
    const d = r.json.diagnostics.filter((x) => x.code === 'unbounded-pool')
    expect(d.map((x) => x.processType)).toEqual(['web', 'ws'])
    expect(d[0].message).toContain('Django served over ASGI (gunicorn) runs every request\'s sync views and ORM calls on a thread of its own')
    expect(d[0].fix).toContain('DATABASES[…]["OPTIONS"]["pool"] = {"max_size": N}')
    const web = r.json.processTypes.find((x) => x.name === 'web')!
    expect(web.sources.threadsPerProcess.source.kind).toBe('assumed')
  })

  it('a Django 5.1 pool bounds the requests: every pooled connection can be in use at once', () => {
    // OPTIONS pool max_size int(DB_POOL_MAX or 8): 3 workers × 8 = 24.
    const r = run('django-asgi-pool')
    expect(numbers(r, 'web')).toEqual(['gunicorn', 3, 8, 8, 24])
    expect(r.json.diagnostics.map((x) => x.code)).toEqual([])
    expect(numbers(run('django-asgi-pool', ['--env', 'DB_POOL_MAX=4']), 'web')).toEqual(['gunicorn', 3, 4, 4, 12])
  })
})

describe('a package.json script that runs another language\'s server (SFDO-Tooling/Metecho: web: yarn django:serve:prod)', () => {
  const {app} = tempApps('django-asgi')
  it('`yarn django:serve:prod` whose script is `daphne … shop.asgi:application` is daphne serving Django: 1 × 1, assumed (was node: 0)', () => {
    const dir = app({
      'Procfile': 'web: yarn django:serve:prod\n',
      // A front-end build beside the Django app: no PostgreSQL client among its packages.
      'package.json': JSON.stringify({name: 'shop', private: true, scripts: {'build': 'vite build', 'django:serve:prod': 'daphne --bind 0.0.0.0 --port ${PORT:-8000} shop.asgi:application'}, devDependencies: {vite: '^5.4.0'}}, null, 2),
    })
    const r = runJson<PlanJson>(['plan', '--procfile', `${dir}/Procfile`, '--plan', 'standard-0'])
    expect(numbers(r, 'web')).toEqual(['daphne', 1, 1, 1, 1])
    expect(r.json.processTypes.find((x) => x.name === 'web')!.sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.json.diagnostics.some((d) => d.code === 'not-postgresql')).toBe(false)
  })
})

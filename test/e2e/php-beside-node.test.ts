/**
 * PHP apps that also run the Node.js buildpack (to build assets): which WEB_CONCURRENCY sizes
 * PHP-FPM (test/fixtures/php-beside-node).
 * - Heroku: heroku-buildpack-nodejs' profile/WEB_CONCURRENCY.sh exports WEB_CONCURRENCY with
 *   WEB_CONCURRENCY_SET_BY=heroku/nodejs; heroku-php-nginx recomputes whenever SET_BY is non-empty
 *   (bin/heroku-php-nginx:420-422), so autotune sizes FPM: standard-1x 512 MB ÷ memory_limit 128M = 4.
 * - Scalingo: bin/run (written by Scalingo/php-buildpack) keeps any WEB_CONCURRENCY; its bin/compile
 *   deletes the Node.js buildpack's WEB_CONCURRENCY.sh only when PHP comes after Node.js. Else
 *   autotune: floor(RAM ÷ 196M) + 2, at least 3, RAM from CONTAINER_SIZE (M = 512M when unset).
 * The buildpacks are named in app.json `buildpacks` or `.buildpacks` (one URL a line).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (app: string, ...args: string[]) => planJson(procfileOf(`php-beside-node/${app}`), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...args])

describe('PHP-FPM children when the Node.js buildpack runs too', () => {
  it('Heroku (app.json: heroku/php, heroku/nodejs): the Node.js buildpack\'s WEB_CONCURRENCY=1 is ignored; autotune gives 512 ÷ 128 = 4', () => {
    const r = plan('heroku')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 4, server: 'heroku-php-nginx'})
    const s = r.type('web').sources.processesPerDyno
    expect(s.source).toMatchObject({kind: 'default', ref: expect.stringContaining('autotune.php')})
    expect(s.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('WEB_CONCURRENCY=1 is ignored: it was set by heroku/nodejs')}))
    expect(r.diagnostics.filter((d) => d.processType === 'web')).toEqual([])
  })

  it('Heroku: a WEB_CONCURRENCY the user sets (a config var, here --env) is PHP-FPM\'s: 6', () => {
    const r = plan('heroku', '--env', 'WEB_CONCURRENCY=6')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 6})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({kind: 'env', name: 'WEB_CONCURRENCY'})
  })

  it('Scalingo, .buildpacks PHP then Node.js: bin/run keeps the Node.js buildpack\'s WEB_CONCURRENCY (512 ÷ 512 = 1), read from .buildpacks, not assumed', () => {
    const r = plan('scalingo-php-first')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 1, processesPerDyno: 1, server: 'php-fpm'})
    const s = r.type('web').sources.processesPerDyno
    expect(s.source).toMatchObject({kind: 'default', ref: expect.stringContaining('heroku-buildpack-nodejs')})
    expect(s.via).toContainEqual(expect.objectContaining({what: expect.stringContaining("Scalingo's bin/run keeps the WEB_CONCURRENCY")}))
    expect(JSON.stringify(s)).not.toContain('"assumed"')
  })

  it('Scalingo, .buildpacks Node.js then PHP: no WEB_CONCURRENCY; CONTAINER_SIZE unset, so M: max(3, floor(512 ÷ 196) + 2) = 4, an assumption', () => {
    const r = plan('scalingo-node-first')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 4})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('CONTAINER_SIZE is not set here')}))
  })

  it('Scalingo, CONTAINER_SIZE=L (1024M): floor(1024 ÷ 196) + 2 = 7; S (256M): 1 + 2 = 3', () => {
    expect(plan('scalingo-node-first', '--env', 'CONTAINER_SIZE=L').type('web').processesPerDyno).toBe(7)
    expect(plan('scalingo-node-first', '--env', 'CONTAINER_SIZE=S').type('web').processesPerDyno).toBe(3)
  })
})

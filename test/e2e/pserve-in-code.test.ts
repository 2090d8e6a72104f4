import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'

const run = (dir: string) => runJson<PlanJson>(['plan', '--procfile', fixture(`${dir}/Procfile`), '--plan', 'standard-0', '--scale', 'web=1', '--explain'])

// A console script that runs Pyramid's pserve from code (`pserve.main(argv=[…])`, Kinto's `kinto start`): the server is
// the one the ini's [server:main] names (pyramid/scripts/pserve.py, plaster_pastedeploy get_wsgi_server).
describe('pserve run from the app\'s code (conncalc plan --json)', () => {
  it('[server:main] use = egg:waitress#main, threads = 6: one process of 6 threads, one connection each, starred (the ini\'s app factory is not read) = 6', () => {
    const r = run('pserve-in-code')
    expect(r.code).toBe(0)
    expect(r.json.total).toBe(6)
    const web = r.json.processTypes[0]
    expect(web.server).toBe('waitress')
    expect([web.processesPerDyno, web.threadsPerProcess, web.connections]).toEqual([1, 6, 6])
    const sources = JSON.stringify(web.sources)
    expect(JSON.stringify(web.sources.threadsPerProcess)).toContain('{"file":"production.ini","kind":"file","line":8}')
    expect(sources).toContain('runs pserve, which serves the app on the server production.ini')
    expect(r.json.diagnostics.some((d) => d.message.includes('runs pserve, which builds the WSGI app from the ini file'))).toBe(true)
  })

  it('an ini that is no file of the app (written into the image): one process of one thread, both starred, said (1)', () => {
    const r = run('pserve-in-code/built')
    expect(r.json.total).toBe(1)
    const web = r.json.processTypes[0]
    expect(web.server).toBe('pserve')
    expect(JSON.stringify(web.sources.processesPerDyno)).toContain('runs pserve on /etc/shop/shop.ini, which is not a file of the app')
    const d = r.json.diagnostics.find((x) => x.message.includes('/etc/shop/shop.ini, which is not a file of the app'))
    expect(d).toMatchObject({code: 'unknown-config-value', file: 'app/__main__.py', line: 8, severity: 'warning'})
    expect(r.json.diagnostics.some((x) => x.code === 'unparsable-config')).toBe(false)
  })
})

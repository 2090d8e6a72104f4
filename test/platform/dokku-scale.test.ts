import {describe, expect, it} from 'vitest'

import {parseDokkuScale} from '../../src/platform/dokku-scale.js'

describe('parseDokkuScale', () => {
  it('reads TYPE=COUNT lines at their line, skips comments, and gives unlisted Procfile types 0 (release aside)', () => {
    const r = parseDokkuScale('# scale\r\nweb=2\r\n\r\nworker = 0  # off for now\r\n', ['web', 'worker', 'clock', 'release'])
    expect(r.formation.get('web')?.quantity).toMatchObject({source: {file: 'DOKKU_SCALE', kind: 'file', line: 2}, value: 2})
    expect(r.formation.get('worker')?.quantity).toMatchObject({source: {file: 'DOKKU_SCALE', kind: 'file', line: 4}, value: 0})
    expect(r.formation.get('clock')?.quantity).toMatchObject({source: {kind: 'default'}, value: 0})
    expect(r.formation.has('release')).toBe(false)
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['info'])
  })

  it('a line that is not TYPE=COUNT is said at its line and not used', () => {
    const r = parseDokkuScale('web=1\nworker=two\nclock=-1\n', ['web', 'worker', 'clock'])
    expect(r.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.line)).toEqual([2, 3])
    expect(r.diagnostics[0]?.message).toContain('DOKKU_SCALE:2: "worker=two" is not TYPE=COUNT')
    // A type whose line is unreadable is not "unlisted": it is left out, so the usual 1* assumption stands.
    expect(r.formation.has('worker')).toBe(false)
    expect(r.formation.has('clock')).toBe(false)
    expect(r.formation.get('web')?.quantity.value).toBe(1)
  })

  it('an empty or comment-only file sets nothing', () => {
    const r = parseDokkuScale('# nothing yet\n', ['web', 'worker'])
    expect(r.formation.size).toBe(0)
    expect(r.diagnostics).toEqual([])
  })

  it('a line naming no Procfile type (worker=1 beside alert-worker:) is a warning at its line; the types it meant run none', () => {
    // The shape of getqarote/Qarote's DOKKU_SCALE: web=1, worker=1, license_worker=1 beside Procfile types web,
    // alert-worker, license-worker. Dokku runs web 1; alert-worker and license-worker are unlisted: 0.
    const r = parseDokkuScale('web=1\nworker=1\nlicense_worker=1\n', ['web', 'alert-worker', 'license-worker', 'release'])
    expect(r.formation.get('web')?.quantity.value).toBe(1)
    expect(r.formation.get('alert-worker')?.quantity).toMatchObject({source: {kind: 'default'}, value: 0})
    expect(r.formation.get('license-worker')?.quantity).toMatchObject({source: {kind: 'default'}, value: 0})
    const warnings = r.diagnostics.filter((d) => d.severity === 'warning')
    expect(warnings.map((d) => [d.line, d.message, d.fix])).toEqual([
      [2, 'DOKKU_SCALE:2: worker is not a process type of the Procfile, so no container runs for it; every Procfile type DOKKU_SCALE does not list runs none', 'name a Procfile type (web, alert-worker, license-worker), as `dokku ps:scale` does'],
      [3, 'DOKKU_SCALE:3: license_worker is not a process type of the Procfile, so no container runs for it; every Procfile type DOKKU_SCALE does not list runs none', 'name a Procfile type (web, alert-worker, license-worker), as `dokku ps:scale` does'],
    ])
  })
})

/**
 * go-pg's default pool by the release the app pins (src/languages/go/go-pg.ts, read from go-pg's options.go/db.go at
 * its tags): before v3.4.0 5, v3.4.0–v4.6.1 10, v4.6.2–v6.3.3 20, from v6.3.4 10 × runtime.NumCPU(). Before, every
 * release but v5 and earlier (20) took v10's 10 × NumCPU, starred. Each fixture opens one pool with no PoolSize, on one
 * standard-1x dyno (8 CPUs).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (fixture: string) => planJson(procfileOf(fixture), ['--scale', 'web=1:standard-1x'])

describe('Go: go-pg default pool by pinned release', () => {
  it('dep: Gopkg.lock pins github.com/go-pg/pg v6.2.1 → 20 (before v6.3.4), from Gopkg.lock:8, no assumption', () => {
    const r = plan('go-pg-dep')
    expect(r.type('web')).toMatchObject({connections: 20, poolPerProcess: 20})
    const via = r.type('web').sources['pool.go-pg cmd/orchard/main.go:15'].via ?? []
    expect(via).toContainEqual(expect.objectContaining({file: 'Gopkg.lock', line: 8}))
    expect(via.some((s) => s.kind === 'assumed')).toBe(false)
    expect(r.codes).not.toContain('cpu-count-default')
  })

  it('govendor: vendor/vendor.json pins gopkg.in/pg.v4 v4.5.0 → 10 (v3.4.0–v4.6.1); was 20', () => {
    const r = plan('go-pg-govendor')
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(r.type('web').sources['pool.go-pg main.go:14'].via).toContainEqual(expect.objectContaining({file: 'vendor/vendor.json', line: 10}))
  })

  it('go.mod `github.com/go-pg/pg v8.0.7+incompatible` → 10 × 8 CPUs = 80, from the pin, with only the CPU-count warning', () => {
    const r = plan('go-pg-incompatible')
    expect(r.type('web')).toMatchObject({connections: 80, poolPerProcess: 80})
    const via = r.type('web').sources['pool.go-pg main.go:12'].via ?? []
    expect(via).toContainEqual(expect.objectContaining({file: 'go.mod', line: 6}))
    expect(via.some((s) => s.kind === 'assumed')).toBe(false)
    expect(r.codes).toContain('cpu-count-default')
  })

  it('Godeps.json with only a Rev: no release → the newest default 80, assumed and said', () => {
    const r = plan('go-pg-godeps-rev')
    expect(r.type('web')).toMatchObject({connections: 80, poolPerProcess: 80})
    const why = (r.type('web').sources['pool.go-pg main.go:12'].via ?? []).filter((s) => s.kind === 'assumed').map((s) => s.why ?? '')
    expect(why.join('\n')).toMatch(/no release pinned.*before v6\.3\.4 it was 20/)
  })
})

import {describe, expect, inject, it} from 'vitest'

import {runCli, runCliInProcess, runJson} from '../helpers/cli.js'

// The SSL test server's certificate is self-signed for CN=conncalc-test-db.invalid,
// so, as with Heroku Postgres, a client can encrypt but not verify it.
const url = inject('pgSslAdminUrl')
const PASSWORD = decodeURIComponent(new URL(url || 'postgres://x@y/z').password)
const port = url ? new URL(url).port : ''

describe('conncalc live over SSL (sslmode as libpq reads it)', () => {
  it('has an SSL test server (set CONNCALC_TEST_SSL_DATABASE_URL with CONNCALC_TEST_DATABASE_URL)', () => {
    expect(url).toMatch(/^postgres:\/\//)
  })

  it("by default (libpq's prefer) encrypts without verifying the certificate, and says so", () => {
    const r = runJson<{ssl: Record<string, unknown>}>(['live', '--database-url', url])
    expect(r.code).toBe(0)
    expect(r.json.ssl).toEqual({
      encrypted: true,
      mode: 'prefer',
      modeFrom: 'default',
      note: "encrypted, server certificate not verified (sslmode=prefer (libpq's default)): Heroku Postgres requires SSL but its certificates do not verify against public CAs; use sslmode=verify-full with sslrootcert to check one",
      verified: false,
    })
    const text = runCliInProcess(['live', '--database-url', url])
    expect(text.stdout).toContain("SSL: encrypted, server certificate not verified (sslmode=prefer (libpq's default))")
    expect(text.stdout + text.stderr).not.toContain(PASSWORD)
  })

  it('sslmode=require encrypts, unverified', () => {
    const r = runJson<{ssl: {encrypted: boolean; verified: boolean}}>(['live', '--database-url', `${url}?sslmode=require`])
    expect(r.code).toBe(0)
    expect(r.json.ssl).toMatchObject({encrypted: true, mode: 'require', verified: false})
  })

  it('sslmode=verify-ca with the certificate as sslrootcert verifies the chain', () => {
    const r = runJson<{ssl: {encrypted: boolean; verified: boolean}}>([
      'live',
      '--database-url',
      `${url}?sslmode=verify-ca&sslrootcert=test/fixtures/tls/server.crt`,
    ])
    expect(r.code).toBe(0)
    expect(r.json.ssl).toMatchObject({encrypted: true, mode: 'verify-ca', verified: true})
  })

  it('sslmode=verify-full against a certificate nobody can verify: exit 2 and a hint about Heroku', () => {
    const r = runCli(['live', '--database-url', `${url}?sslmode=verify-full`])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`^conncalc: could not verify the SSL certificate of 127\\.0\\.0\\.1:${port}/postgres \\(sslmode=verify-full\\): `))
    expect(r.stderr).toContain('hint: Heroku Postgres certificates do not verify against public CAs: use sslmode=require')
    expect(r.stderr).not.toContain(PASSWORD)
  })

  it('verify-full with the right CA still checks the host name', () => {
    const r = runCli(['live', '--database-url', `${url}?sslmode=verify-full&sslrootcert=test/fixtures/tls/server.crt`])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^conncalc: could not verify the SSL certificate of .*: .*(conncalc-test-db\.invalid|altnames|IP)/)
  })

  it('an sslrootcert that cannot be read is exit 2', () => {
    const r = runCliInProcess(['live', '--database-url', `${url}?sslmode=verify-full&sslrootcert=nope/ca.crt`])
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe('conncalc: cannot read sslrootcert "nope/ca.crt" named in the database URL')
  })
})

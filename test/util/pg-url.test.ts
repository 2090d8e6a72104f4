import {describe, expect, it} from 'vitest'

import {hostOfUrl, parsePgUrlWithoutFiles} from '../../src/util/pg-url.js'

// pg-connection-string's parse reads the files sslcert/sslkey/sslrootcert name (readFileSync). Each
// name below is a file that is not there: parse would throw ENOENT reading it, so a result at all
// shows it was not read.
describe('parsePgUrlWithoutFiles', () => {
  it('leaves out the certificate parameters, written plainly or percent-encoded, and keeps the rest', () => {
    const parsed = parsePgUrlWithoutFiles('postgres://u:p@db.example.com:6543/app?sslrootcert=/nope/root.crt&ssl%6Bey=/nope/k&SSLcert=/nope/c&pool=7&sslmode=require') as Record<string, unknown>
    expect(parsed).toMatchObject({database: 'app', host: 'db.example.com', pool: '7', port: '6543', sslmode: 'require'})
    expect(parsed.sslrootcert).toBeUndefined()
    expect(parsed.sslkey).toBeUndefined()
  })

  it('a query with a space, which parse re-encodes before it reads it: the certificate still left out', () => {
    const parsed = parsePgUrlWithoutFiles('postgres://u:p@h/app?pool=3&a=b c&sslrootcert=/nope/x') as Record<string, unknown>
    expect(parsed).toMatchObject({database: 'app', host: 'h'})
    expect(parsed.sslrootcert).toBeUndefined()
  })

  it('hostOfUrl of a URL that names a certificate file', () => {
    expect(hostOfUrl('postgres://u:p@db.example.com/app?sslmode=verify-full&sslrootcert=/nope/root.crt')).toBe('db.example.com:5432')
  })
})

import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {InputError} from '../../src/util/errors.js'
import {parseEnvFile} from '../../src/util/env-file.js'
import {readEnvFile} from '../../src/io/read-env-file.js'

const fixture = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'env-files', name)
const values = (entries: {name: string; value: string}[]): Record<string, string> =>
  Object.fromEntries(entries.map((e) => [e.name, e.value]))

const PG =
  'postgres://u9c0d1e2f3a4b5:p7e3a91c04b5d6e7f8091a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3@ec2-34-200-12-7.compute-1.amazonaws.com:5432/d5k2m9q1r7t3v8'

describe('parseEnvFile', () => {
  it('reads `heroku config -s` output: unquoted, single-quoted and double-quoted values', () => {
    const r = readEnvFile(fixture('heroku-config-shell.env'))
    expect(r.format).toBe('dotenv')
    expect(r.diagnostics).toEqual([])
    const v = values(r.entries)
    expect(v.DATABASE_URL).toBe(PG)
    expect(v.LANG).toBe('en_US.UTF-8')
    expect(v.MOTD).toBe("It's deploy day")
    expect(v.RAILS_MAX_THREADS).toBe('5')
    expect(v.REDIS_URL).toBe('rediss://:p1f2e3d4c5b6a7980@ec2-52-7-88-19.compute-1.amazonaws.com:28750')
    expect(r.entries.find((e) => e.name === 'SIDEKIQ_CONCURRENCY')?.source).toEqual({
      from: `${fixture('heroku-config-shell.env')}:11`,
      kind: 'env',
      name: 'SIDEKIQ_CONCURRENCY',
    })
  })

  it('reads `heroku config --json` output with the line of each key', () => {
    const r = readEnvFile(fixture('heroku-config.json'))
    expect(r.format).toBe('json')
    expect(r.diagnostics).toEqual([])
    expect(values(r.entries)).toEqual({
      DATABASE_URL: PG,
      LANG: 'en_US.UTF-8',
      RACK_ENV: 'production',
      RAILS_ENV: 'production',
      RAILS_MAX_THREADS: '5',
      SIDEKIQ_CONCURRENCY: '10',
      WEB_CONCURRENCY: '2',
    })
    const src = r.entries.find((e) => e.name === 'WEB_CONCURRENCY')!.source
    expect(src).toMatchObject({from: `${fixture('heroku-config.json')}:8`, kind: 'env'})
  })

  it('reads plain `heroku config` output after its === header', () => {
    const r = parseEnvFile(
      '=== storefront Config Vars\n\nDATABASE_URL:        postgres://a:b@h/d\nRAILS_MAX_THREADS:   5\nPRIVATE_KEY:         -----BEGIN KEY-----\n                     abc\nEMPTY:\n',
      'config.txt',
    )
    expect(r.format).toBe('heroku-config')
    expect(r.diagnostics).toEqual([])
    expect(values(r.entries)).toEqual({
      DATABASE_URL: 'postgres://a:b@h/d',
      EMPTY: '',
      PRIVATE_KEY: '-----BEGIN KEY-----\nabc',
      RAILS_MAX_THREADS: '5',
    })
    expect(r.entries[1].source).toEqual({from: 'config.txt:4', kind: 'env', name: 'RAILS_MAX_THREADS'})
  })

  it('reads the heroku config fixture file', () => {
    const r = readEnvFile(fixture('heroku-config.txt'))
    expect(r.format).toBe('heroku-config')
    expect(values(r.entries)).toMatchObject({DATABASE_URL: PG, SIDEKIQ_CONCURRENCY: '10', WEB_CONCURRENCY: '2'})
    expect(r.entries.find((e) => e.name === 'WEB_CONCURRENCY')!.source).toMatchObject({
      from: `${fixture('heroku-config.txt')}:8`,
    })
  })

  it('reads dotenv: export, spaces around =, KEY: value, comments, quotes and multi-line values', () => {
    const r = parseEnvFile(readFileSync(fixture('dotenv.production'), 'utf8'), '.env.production')
    expect(r.diagnostics).toEqual([])
    expect(values(r.entries)).toEqual({
      APP_NAME: 'Storefront #1',
      DATABASE_URL: 'postgres://storefront:dev-only-pass@localhost:5432/storefront_production',
      EMPTY: '',
      GOOD_JOB_QUEUES: 'default:5;mailers:2',
      PUMA_BANNER: 'Welcome to\nStorefront "prod"',
      RAILS_ENV: 'production',
      RAILS_MAX_THREADS: '5',
      SIDEKIQ_CONCURRENCY: '12',
      WEB_CONCURRENCY: '3',
    })
    const line = (name: string) => r.entries.find((e) => e.name === name)!.source
    expect(line('RAILS_MAX_THREADS')).toEqual({from: '.env.production:5', kind: 'env', name: 'RAILS_MAX_THREADS'})
    expect(line('PUMA_BANNER')).toMatchObject({from: '.env.production:12'})
    expect(line('EMPTY')).toMatchObject({from: '.env.production:14'})
  })

  it('handles CRLF, a BOM, and a repeated name (last value wins)', () => {
    const r = parseEnvFile('\uFEFFA=1\r\nB="x"\r\nA=2\r\n', 'win.env')
    expect(r.entries.map((e) => [e.name, e.value, (e.source as {from: string}).from])).toEqual([
      ['A', '2', 'win.env:3'],
      ['B', 'x', 'win.env:2'],
    ])
  })

  it('reads a file whose lines end in a lone CR (classic Mac) line by line, as dotenv does', () => {
    const r = parseEnvFile('DATABASE_URL=postgres://u:pw@h/db\rWEB_CONCURRENCY=3\r# note\rMSG="a\rb"\r', 'mac.env')
    expect(r.diagnostics).toEqual([])
    expect(r.entries.map((e) => [e.name, e.value, (e.source as {from: string}).from])).toEqual([
      ['DATABASE_URL', 'postgres://u:pw@h/db', 'mac.env:1'],
      ['WEB_CONCURRENCY', '3', 'mac.env:2'],
      ['MSG', 'a\nb', 'mac.env:4'],
    ])
  })

  it('expands double-quote escapes but keeps single-quoted text literal', () => {
    const r = parseEnvFile(String.raw`A="a\tb\$c\\d"` + '\n' + String.raw`B='a\tb$c'`, 'x.env')
    expect(values(r.entries)).toEqual({A: 'a\tb$c\\d', B: String.raw`a\tb$c`})
  })

  it('reports unreadable lines as unparsable-config with file and line, never with the value', () => {
    const path = fixture('dotenv-broken')
    const r = readEnvFile(path)
    expect(values(r.entries)).toEqual({PUMA_MAX_THREADS: '8', RAILS_MAX_THREADS: '5', WEB_CONCURRENCY: '2'})
    expect(r.diagnostics.map((d) => [d.code, d.file, d.line, d.severity])).toEqual([
      ['unparsable-config', path, 2, 'warning'],
      ['unparsable-config', path, 3, 'warning'],
      ['unparsable-config', path, 4, 'warning'],
      ['unparsable-config', path, 6, 'warning'],
    ])
    expect(r.diagnostics[3].message).toBe('the quoted value of API_PASSWORD is never closed; ignored')
    expect(JSON.stringify(r.diagnostics)).not.toContain('unclosed quote')
    expect(JSON.stringify(r.diagnostics)).not.toContain('not a variable')
  })

  it('reports invalid JSON with the line of the error and reads nothing', () => {
    const r = parseEnvFile('{\n  "A": "1",\n  "B": \n}\n', 'config.json')
    expect(r.entries).toEqual([])
    expect(r.diagnostics).toHaveLength(1)
    expect(r.diagnostics[0]).toMatchObject({code: 'unparsable-config', file: 'config.json', line: 4})
  })

  it('skips non-string JSON values with a diagnostic on their line', () => {
    const r = parseEnvFile('{\n  "A": "1",\n  "B": {"nested": true},\n  "C": 3\n}', 'c.json')
    expect(values(r.entries)).toEqual({A: '1', C: '3'})
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([[3, 'B is not a string; ignored']])
  })

  it('reads an empty file as no variables and no problems', () => {
    expect(parseEnvFile('', '.env')).toEqual({diagnostics: [], entries: [], format: 'dotenv'})
  })
})

describe('readEnvFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-env-'))

  it('throws an InputError naming a missing file', () => {
    const missing = join(dir, '.env.nope')
    expect(() => readEnvFile(missing)).toThrow(InputError)
    expect(() => readEnvFile(missing)).toThrow(`env file not found: ${missing}`)
  })

  it('throws for a directory and for a binary file', () => {
    mkdirSync(join(dir, 'envdir'))
    expect(() => readEnvFile(join(dir, 'envdir'))).toThrow(/is a directory/)
    writeFileSync(join(dir, 'bin.env'), Buffer.from([0x41, 0x3d, 0x00, 0x01]))
    expect(() => readEnvFile(join(dir, 'bin.env'))).toThrow(/is not a text file/)
  })

  it('gives the hint on --env-file', () => {
    try {
      readEnvFile(join(dir, 'missing'))
      expect.unreachable()
    } catch (error) {
      expect((error as InputError).hint).toContain('--env-file PATH')
      expect((error as InputError).exitCode).toBe(2)
    }
  })
})

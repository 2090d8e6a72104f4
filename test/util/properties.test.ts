import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseEnvFile} from '../../src/util/env-file.js'
import {splitCommand} from '../../src/languages/shell/shell.js'
import {Env} from '../../src/model/env.js'
import {parseProcfile} from '../../src/procfile/procfile.js'
import {escapeControls} from '../../src/util/control-characters.js'
import {redactSecrets} from '../../src/util/redact.js'

// Properties over generated input (fast-check): the parsers of what a user writes never throw
// and always end (vitest's timeout is the guard), a password planted in any shape a Procfile
// line or env file uses is never printed, and escaped text has no control character left.

/** Text made of the pieces that make shell and Procfile parsing hard, in any order. */
const shellish = fc
  .array(fc.constantFrom('${', '}', ':-', ':+', '$(', ')', '`', "'", '"', '\\', ' ', '\t', '\r', '\n', 'A', 'WEB_CONCURRENCY', '=', ';', '&&', '|', '&', '#', 'sh -c ', 'bash -c ', 'exec ', 'env ', 'bundle exec puma -C config/puma.rb', 'gunicorn -w 4', 'web:', '\u001B]0;t\u0007', '\u0000', 'é'), {maxLength: 80})
  .map((parts) => parts.join(''))
const anyText = fc.oneof(shellish, fc.string({maxLength: 400, unit: 'binary'}))

/** A password: letters and digits, long enough that it cannot occur in the text by chance. */
const password = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{11,23}$/)
const word = fc.stringMatching(/^[a-z0-9_.-]{1,12}$/)
const shapes = [
  (pw: string) => `postgres://app:${pw}@db.example.com:5432/app`,
  (pw: string) => `"postgres://app:${pw}@db.example.com/app"`,
  (pw: string) => `DATABASE_URL=postgresql://u:${pw}@10.0.0.1/d`,
  (pw: string) => `--password ${pw}`,
  (pw: string) => `--db-pass=${pw}`,
  (pw: string) => `DB_PASSWORD=${pw}`,
  (pw: string) => `AWS_SECRET_ACCESS_KEY=${pw}`,
  (pw: string) => `GITHUB_TOKEN='${pw}'`,
  (pw: string) => `-p${pw}`,
  (pw: string) => `redis://:${pw}@cache:6379/0`,
]

describe('properties of the parsers', () => {
  it('parseProcfile never throws, and every entry is a name and a one-line command', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const {entries} = parseProcfile(text)
        for (const e of entries) {
          expect(e.name).toMatch(/^[\w-]+$/)
          expect(e.command).not.toMatch(/[\r\n]/)
        }
      }),
    )
  })

  it('splitCommand never throws and always ends, whatever the nesting', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = splitCommand(text, new Env([]), {file: 'Procfile', line: 1})
        expect(Array.isArray(r.command.argv)).toBe(true)
      }),
    )
  })

  it('parseEnvFile never throws, and every entry has a name of word characters', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom('.env', 'config.json', 'heroku-config.txt'), (text, path) => {
        const {entries} = parseEnvFile(text, path)
        for (const e of entries) expect(e.name).toMatch(/^[\w.-]+$/)
      }),
    )
  })
})

describe('properties of redaction and escaping', () => {
  it('a password in any shape, anywhere in a Procfile line, is never printed', () => {
    fc.assert(
      fc.property(password, fc.integer({max: shapes.length - 1, min: 0}), fc.array(word, {maxLength: 4}), fc.array(word, {maxLength: 4}), (pw, shape, before, after) => {
        const line = [...before, shapes[shape](pw), ...after].join(' ')
        expect(redactSecrets(line)).not.toContain(pw)
        expect(redactSecrets(`web: ${line}`)).not.toContain(pw)
        // A line that is not `type: command` is quoted in a warning: redacted there too.
        const {diagnostics} = parseProcfile(`!! ${line}\n`)
        for (const d of diagnostics) expect(d.message).not.toContain(pw)
      }),
    )
  })

  it('escaped text has no control character left, and text without any is unchanged', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 200, unit: 'binary'}), (s) => {
        const out = escapeControls(s)
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/)
        // eslint-disable-next-line no-control-regex
        if (!/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/.test(s)) expect(out).toBe(s)
      }),
    )
  })
})

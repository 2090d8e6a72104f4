import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {parseProcfile} from '../../src/procfile/procfile.js'

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')

describe('parseProcfile', () => {
  it('reads a Rails Procfile with release, web, worker and clock, skipping comments and blank lines', () => {
    const {diagnostics, entries} = parseProcfile(fixture('procfile-rails'))
    expect(diagnostics).toEqual([])
    expect(entries).toEqual([
      {command: 'bin/rails db:migrate', line: 2, name: 'release'},
      {command: 'bundle exec puma -C config/puma.rb', line: 3, name: 'web'},
      {
        command: 'RAILS_MAX_THREADS=${SIDEKIQ_CONCURRENCY:-10} bundle exec sidekiq -C config/sidekiq.yml',
        line: 4,
        name: 'worker',
      },
      {command: 'bundle exec clockwork config/clock.rb', line: 7, name: 'clock'},
    ])
  })

  it('reads a lone CR as a line break, as Heroku does (codon slug.rb: \\r\\n? → \\n), mixed with CRLF and LF', () => {
    const {diagnostics, entries} = parseProcfile('web: bundle exec puma\rworker: bundle exec sidekiq\r\n\r# comment\rclock: bin/clock\n')
    expect(diagnostics).toEqual([])
    // Lines: 1 web, 2 worker (CRLF), 3 empty (lone CR), 4 comment, 5 clock.
    expect(entries.map((e) => [e.name, e.line, e.command])).toEqual([
      ['web', 1, 'bundle exec puma'],
      ['worker', 2, 'bundle exec sidekiq'],
      ['clock', 5, 'bin/clock'],
    ])
  })

  it('reads the line as /^([\\w-]+):\\s*(.*)$/ does: a colon in the command is kept, spaces after the colon (U+2028 among them) are skipped, a line separator inside the command makes the line invalid', () => {
    const {diagnostics, entries} = parseProcfile('web:bin/a:b\nworker:\u2028 bin/w\nbad: bin/a\u2028b\n:x\nna me: y\n')
    expect(entries.map((e) => [e.name, e.line, e.command])).toEqual([
      ['web', 1, 'bin/a:b'],
      ['worker', 2, 'bin/w'],
    ])
    // Lines 3 (`.` does not match U+2028), 4 (no name) and 5 (a space in the name) are ignored.
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['invalid-procfile-line', 3],
      ['invalid-procfile-line', 4],
      ['invalid-procfile-line', 5],
    ])
  })

  it('accepts CRLF line endings and underscores in names, without a trailing \\r in commands', () => {
    const {diagnostics, entries} = parseProcfile(fixture('procfile-crlf'))
    expect(diagnostics).toEqual([])
    expect(entries.map((e) => [e.name, e.line, e.command])).toEqual([
      ['web', 1, 'bin/start-pgbouncer bundle exec puma -C config/puma.rb'],
      ['worker', 2, 'bundle exec sidekiq'],
      ['urgent_worker', 5, 'bundle exec sidekiq -q urgent -c 5'],
    ])
  })

  it('strips a UTF-8 BOM so the first process type keeps its name', () => {
    const {entries} = parseProcfile('\uFEFFweb: bundle exec puma\n')
    expect(entries).toEqual([{command: 'bundle exec puma', line: 1, name: 'web'}])
  })

  it('accepts names with digits, dashes and capitals, and no space after the colon', () => {
    const {diagnostics, entries} = parseProcfile('Web-2:bundle exec puma\nworker_low: sidekiq -q low\n')
    expect(diagnostics).toEqual([])
    expect(entries.map((e) => e.name)).toEqual(['Web-2', 'worker_low'])
    expect(entries[0].command).toBe('bundle exec puma')
  })

  it('keeps the later definition of a duplicated type and warns on its line naming the first', () => {
    const {diagnostics, entries} = parseProcfile(fixture('procfile-duplicate'), 'Procfile')
    expect(entries).toEqual([
      {command: 'bundle exec puma -C config/puma.rb', line: 1, name: 'web'},
      {command: 'bundle exec sidekiq -c 20', line: 4, name: 'worker'},
    ])
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({
      code: 'duplicate-process-type',
      file: 'Procfile',
      line: 4,
      processType: 'worker',
      severity: 'warning',
    })
    expect(diagnostics[0].message).toBe(
      'process type worker is defined again (first on line 2); conncalc uses this later definition, as heroku local does',
    )
  })

  it('warns about every invalid line with its number and text, and masks credentials', () => {
    const {diagnostics, entries} = parseProcfile(fixture('procfile-invalid'), 'Procfile.staging')
    expect(entries.map((e) => [e.name, e.line])).toEqual([
      ['web', 1],
      ['worker', 3],
    ])
    const invalid = diagnostics.filter((d) => d.code === 'invalid-procfile-line')
    expect(invalid.map((d) => d.line)).toEqual([2, 4, 5, 6, 7, 8, 9])
    expect(invalid.every((d) => d.file === 'Procfile.staging' && d.severity === 'warning')).toBe(true)
    expect(invalid[0].message).toBe('line ignored, not "type: command": "<<<<<<< HEAD"')
    expect(invalid[2].message).toContain('"worker bundle exec sidekiq -c 10"')
    expect(invalid[6].message).toBe('process type scheduler has no command; line ignored')

    const secret = invalid[4].message
    expect(secret).not.toContain('s3cretPassw0rd')
    expect(secret).toContain('postgres://app:***@ec2-1-2-3-4')
    expect(JSON.stringify(diagnostics)).not.toContain('s3cret')
  })

  it('shortens a long invalid line', () => {
    const long = `oops ${'x'.repeat(200)}`
    const [d] = parseProcfile(long).diagnostics.filter((x) => x.code === 'invalid-procfile-line')
    expect(d.message.length).toBeLessThan(110)
    expect(d.message).toContain('…')
  })

  it('returns no entries and no diagnostics when nothing declares a process type', () => {
    for (const text of ['', '\n\n', '# only a comment\n', '\uFEFF']) {
      const {diagnostics, entries} = parseProcfile(text, 'Procfile')
      expect(entries).toEqual([])
      expect(diagnostics).toEqual([])
    }
  })

  it('keeps a trailing shell comment in the command for the shell reader to drop', () => {
    const {entries} = parseProcfile('web: bundle exec puma # see config/puma.rb\n')
    expect(entries[0].command).toBe('bundle exec puma # see config/puma.rb')
  })
})

import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {checkSection, END, START, upsertSection} from '../src/app/readme-section.js'
import {fixture, runCli, runCliInProcess, runJson} from './helpers/cli.js'

const MD = '### conncalc: 17 of 20\n\n| a | b |\n'

describe('upsertSection / checkSection', () => {
  it('creates a file that is only the section', () => {
    const {action, text} = upsertSection(null, MD, 'README.md')
    expect(action).toBe('created')
    expect(text.startsWith(`${START}\n`)).toBe(true)
    expect(text.endsWith(`${END}\n`)).toBe(true)
    expect(checkSection(text, MD, 'README.md')).toEqual({ok: true})
  })

  it('appends to a file without the section, touching nothing else', () => {
    const before = '# Shop\n\nSome text.\n'
    const {action, text} = upsertSection(before, MD, 'README.md')
    expect(action).toBe('appended')
    expect(text.startsWith(`${before}\n${START}`)).toBe(true)
    expect(upsertSection(text, MD, 'README.md')).toEqual({action: 'unchanged', text})
  })

  it('a file without a final newline gets one before the section', () => {
    expect(upsertSection('# Shop', MD, 'README.md').text.startsWith(`# Shop\n\n${START}`)).toBe(true)
  })

  it('replaces only between the markers, and keeps CRLF line endings', () => {
    const before = `# Shop\r\n\r\n${START}\r\nold\r\n${END}\r\n\r\n## After\r\nkeep me\r\n`
    const {action, text} = upsertSection(before, MD, 'README.md')
    expect(action).toBe('replaced')
    expect(text.startsWith(`# Shop\r\n\r\n${START}\r\n`)).toBe(true)
    expect(text.endsWith(`${END}\r\n\r\n## After\r\nkeep me\r\n`)).toBe(true)
    expect(text.replaceAll('\r\n', '')).not.toContain('\n')
    expect(checkSection(text, MD, 'README.md')).toEqual({ok: true})
  })

  it('check says what is wrong', () => {
    expect(checkSection(null, MD, 'README.md')).toEqual({ok: false, reason: 'missing-file'})
    expect(checkSection('# Shop\n', MD, 'README.md')).toEqual({ok: false, reason: 'missing-section'})
    const stale = upsertSection('# Shop\n', '### conncalc: 12 of 20\n', 'README.md').text
    expect(checkSection(stale, MD, 'README.md')).toEqual({expected: '### conncalc: 17 of 20', found: '### conncalc: 12 of 20', line: 6, ok: false, reason: 'differs'})
  })

  it('refuses to guess with broken markers', () => {
    expect(() => upsertSection(`${START}\nno end\n`, MD, 'README.md')).toThrow(/expected one .* found 1 start and 0 end marker/)
    expect(() => upsertSection(`${END}\n${START}\n`, MD, 'README.md')).toThrow(/in the wrong order/)
    expect(() => checkSection(`${START}\n${END}\n${START}\n${END}\n`, MD, 'README.md')).toThrow(/found 2 start and 2 end markers/)
  })
})

describe('conncalc readme: write and check round trips', () => {
  const temps: string[] = []
  afterAll(() => {
    for (const t of temps) rmSync(t, {force: true, recursive: true})
  })

  /** The shop fixture app (with its conncalc.yml) in a temp folder. */
  function shop(): string {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-readme-'))
    temps.push(dir)
    cpSync(fixture('capacity/shop'), dir, {recursive: true})
    return dir
  }

  it('creates README.md when there is none, then --check passes', () => {
    const cwd = shop()
    expect(runCli(['readme', '--check'], {cwd})).toMatchObject({code: 1, stdout: 'out of date: README.md does not exist; run `conncalc readme` (with the same flags) to update it\n'})
    const w = runCliInProcess(['readme'], {cwd})
    expect(w).toMatchObject({code: 0, stdout: 'created README.md\n'})
    const text = readFileSync(join(cwd, 'README.md'), 'utf8')
    expect(text).toContain('### conncalc: 61 of 120 connections (51%), ok')
    expect(text).toContain('`Procfile` · plan standard-0 (limit 120)')
    // conn/proc = min(pool 5, threads 3) + 0 = 3; conn/dyno = 2 × 3 = 6; 6 dynos (range max) × 6 = 36
    expect(text).toContain('| web | puma | 2..6 | 2 | 3 | 5 | 0 | 3 | 6 | 36 | 7 |')
    expect(text).toContain('- **deploy peak**: 97 during the preboot overlap (a second set of web dynos adds 36); release phase 63')
    expect(runCliInProcess(['readme', '--check'], {cwd})).toMatchObject({code: 0, stdout: 'ok: README.md: the conncalc section is up to date\n'})
  })

  it('appends to an existing README without a section, touching nothing else; a second run changes nothing', () => {
    const cwd = shop()
    const before = '# Storefront\n\nThe shop.\n\n## Deploying\n\n`git push heroku main`\n'
    writeFileSync(join(cwd, 'README.md'), before)
    expect(runCliInProcess(['readme', '--check'], {cwd}).stdout).toContain('README.md has no conncalc section')
    expect(runCliInProcess(['readme'], {cwd}).stdout).toBe('appended the conncalc section to README.md\n')
    const after = readFileSync(join(cwd, 'README.md'), 'utf8')
    expect(after.startsWith(`${before}\n${START}\n`)).toBe(true)
    expect(runCliInProcess(['readme'], {cwd}).stdout).toBe('already up to date: README.md\n')
    expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toBe(after)
  })

  it('updates an existing section in place when the config changes, and --check catches the drift first', () => {
    const cwd = shop()
    const head = '# Storefront\n\n## Capacity\n\n'
    const tail = '\n## License\n\nMIT\n'
    writeFileSync(join(cwd, 'README.md'), `${head}${START}\nwritten by hand\n${END}\n${tail}`)
    runCliInProcess(['readme'], {cwd})
    expect(runCliInProcess(['readme', '--check'], {cwd}).code).toBe(0)
    // The config changes: the documented budget is now stale.
    writeFileSync(join(cwd, 'conncalc.yml'), readFileSync(join(cwd, 'conncalc.yml'), 'utf8').replace('worker: 2', 'worker: 3'))
    const check = runCliInProcess(['readme', '--check'], {cwd})
    expect(check.code).toBe(1)
    expect(check.stdout).toMatch(/^out of date: README\.md:\d+: the conncalc section is out of date/)
    expect(check.stdout).toContain('expected: ### conncalc: 71 of 120 connections (59%), ok')
    expect(runCliInProcess(['readme'], {cwd}).stdout).toBe('updated the conncalc section of README.md\n')
    const text = readFileSync(join(cwd, 'README.md'), 'utf8')
    expect(text.startsWith(`${head}${START}\n`)).toBe(true)
    expect(text.endsWith(`${END}\n${tail}`)).toBe(true)
    expect(runCliInProcess(['readme', '--check'], {cwd}).code).toBe(0)
  })

  it('the section is the same wherever the command runs (paths relative to the README)', () => {
    const cwd = shop()
    runCliInProcess(['readme', '--file', 'docs/capacity.md'], {cwd})
    const fromApp = readFileSync(join(cwd, 'docs/capacity.md'), 'utf8')
    expect(fromApp).toContain('`../Procfile`')
    expect(runCliInProcess(['readme', '--check', '--file', join(cwd, 'docs/capacity.md'), '--procfile', join(cwd, 'Procfile')]).code).toBe(0)
  })

  it('--json tells what happened; broken markers exit 2', () => {
    const cwd = shop()
    expect(runJson<{action: string; file: string}>(['readme'], {cwd}).json).toMatchObject({action: 'created', file: 'README.md'})
    writeFileSync(join(cwd, 'README.md'), `# x\n${START}\n`)
    const r = runCliInProcess(['readme'], {cwd})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('README.md: expected one <!-- conncalc:start --> followed by one <!-- conncalc:end -->')
    expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toBe(`# x\n${START}\n`)
    expect(existsSync(join(cwd, 'README.md'))).toBe(true)
  })
})

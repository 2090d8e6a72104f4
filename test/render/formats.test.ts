import {XMLParser, XMLValidator} from 'fast-xml-parser'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {escapeData, escapeProperty} from '../../src/render/github.js'
import {allocateCells} from '../../src/render/text.js'
import {fixture, runCli, runCliInProcess} from '../helpers/cli.js'

const RAILS = ['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']
/** A file that is there, where --output would need a folder. */
const ROOT_FILE = 'examples/rails/Procfile'
const OVER = ['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=4', 'worker=1']
const temps: string[] = []
afterAll(() => {
  for (const t of temps) rmSync(t, {force: true, recursive: true})
})

describe('--format table: the stacked bar of the limit used per type', () => {
  it('one segment per type, then what is free; byte-stable without colour', () => {
    const r = runCliInProcess(RAILS)
    expect(r.stdout).toContain(
      ['total 17 of 20  85%  warning', '████████████████████████▓▓▓▓▓▓▓▓▓▓░░░░░░', '█ web 12  ▓ worker 5  ░ free 3', 'headroom 3   ceiling 27 (if every pool fills)   deploy peak 19'].join('\n'),
    )
  })

  it('over the limit, the bar stands for the total and ┃ marks the limit', () => {
    const r = runCliInProcess([...OVER, '--reserve', '2'])
    expect(r.stdout).toContain('█ web 24  ▓ worker 5  ▒ reserve 2  ┃ limit 20 (over by 11)')
    const bar = r.stdout.split('\n').find((l) => l.includes('┃') && !l.includes('limit'))!
    expect([...bar]).toHaveLength(40)
    expect(bar.indexOf('┃')).toBe(26) // 20 / 31 of 40 cells
  })

  it("types behind Heroku's server-side pool fill the bar with what the pooler opens, not their client connections", () => {
    const args = ['plan', '--procfile', `${fixture('server-pooling')}/Procfile`, '--scale', 'web=20', 'worker=1', '--plan', 'standard-0']
    const r = runCliInProcess(args)
    // 300 client connections go to the pooler, which opens 90 (75% of 120): the total is 100 of 120, not over.
    expect(r.stdout).toContain('total 100 of 120  83%  warning\n')
    expect(r.stdout).toContain('█ worker 10  ▓ pooler (web) 90  ░ free 20\n')
    expect(r.stdout).not.toContain('over by')
    expect(runCliInProcess([...args, '--format', 'markdown']).stdout).toContain('- **by type**: worker 10 (8%), pooler (web) 90 (75%)\n')
  })

  it('cells add up exactly and a small segment never vanishes', () => {
    expect(allocateCells([12, 5], 20, 40)).toEqual([24, 10])
    expect(allocateCells([1, 1, 1], 3, 10).reduce((a, b) => a + b)).toBe(10)
    expect(allocateCells([100, 1], 200, 20)).toEqual([9, 1])
  })

  it('colours only when asked (FORCE_COLOR) and never under NO_COLOR', () => {
    const ESC = String.fromCodePoint(27)
    expect(runCliInProcess(RAILS).stdout).not.toContain(`${ESC}[`)
    expect(runCliInProcess(RAILS, {env: {FORCE_COLOR: '1', NO_COLOR: ''}}).stdout).toContain(`${ESC}[`)
  })

  it('a view written to --output has no colour, even with FORCE_COLOR (a CI job that sets it posts the file)', () => {
    const ESC = String.fromCodePoint(27)
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-colour-'))
    temps.push(dir)
    const env = {FORCE_COLOR: '1', NO_COLOR: ''}
    expect(runCliInProcess([...RAILS, '--output', join(dir, 'plan.txt')], {env}).code).toBe(0)
    const text = readFileSync(join(dir, 'plan.txt'), 'utf8')
    expect(text).toContain('total 17 of 20  85%  warning\n')
    expect(text).not.toContain(ESC)
    expect(runCliInProcess(['scale', 'web=3', ...RAILS.slice(1), '--output', join(dir, 'scale.txt')], {env}).code).toBe(1)
    expect(readFileSync(join(dir, 'scale.txt'), 'utf8')).not.toContain(ESC)
  })
})

describe('--format markdown', () => {
  it('the same report as a table and a list, fit for a PR comment', () => {
    const r = runCliInProcess([...RAILS, '--format', 'markdown'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      [
        '## conncalc: 17 of 20 connections (85%), warning',
        '',
        '`examples/rails/Procfile` · plan essential-0 (limit 20, secondary source)',
        '',
        '| type | server | dynos | proc/dyno | threads | pool | extra | conn/proc | conn/dyno | connections | max dynos |',
        '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
        '| release | release | 1 | 1 | 1 | - | 1 | 2 | 2 | (2) | - |',
        '| web | puma | 2 | 2 | 3 | 5 | 0 | 3 | 6 | 12 | 2 |',
        '| worker | sidekiq | 1 | 1 | 5 | 5 | 0 | 5 | 5 | 5 | 1 |',
        '',
        '- **total**: 17 of 20, 85%: **warning**',
        '- **by type**: web 12 (60%), worker 5 (25%)',
        '- **headroom**: 3',
        '- **deploy peak**: 19 during the release phase (the release dyno adds 2)',
        '- **ceiling**: 27 (if every pool fills)',
        '- (n) = release phase: counted in the deploy peak only',
        '',
        '### Diagnostics',
        '',
        '- **warning** 17 of 20 connections (85%) on plan essential-0: 3 left for one-off dynos, consoles and deploys `near-limit`<br>fix: keep slots free for `heroku run`, pg:psql and Scheduler (--reserve N) or plan headroom; the warning threshold is --warn-at 0.8',
        '',
      ].join('\n'),
    )
  })

  it('marks assumed numbers * as the table does, with the legend', () => {
    // Django app, no --scale: 1 web dyno assumed; gunicorn workers from WEB_CONCURRENCY unset → assumed
    const table = runCliInProcess(['plan', '--procfile', 'test/fixtures/django-gunicorn-celery/Procfile', '--plan', 'essential-0'])
    const md = runCliInProcess(['plan', '--procfile', 'test/fixtures/django-gunicorn-celery/Procfile', '--plan', 'essential-0', '--format', 'markdown'])
    const web = /^web +(\S+) +(\S+) +(\S+) /m.exec(table.stdout)!
    expect(web[2]).toMatch(/\*$/)
    expect(md.stdout).toContain(`| web | ${web[1]} | ${web[2].replace('*', '\\*')} | ${web[3].replace('*', '\\*')} |`)
    expect(md.stdout).toContain('- \\* = assumption, not read from your files: see --explain, override with --scale/--env\n')
  })

  it('keeps the exit code, lists suggestions, and escapes table cells', () => {
    const r = runCliInProcess([...OVER, '--format', 'markdown', '--suggest'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('### What would make it fit')
    expect(r.stdout).toContain('- move to plan essential-2 (limit 40): 29 of 40 (73%), deploy peak 31.')
    expect(r.stdout).toContain('**over the limit**')
  })
})

describe('--format json', () => {
  it('is the --json report', () => {
    const a = runCliInProcess([...RAILS, '--format', 'json'])
    const b = runCliInProcess([...RAILS, '--json'])
    expect(a.code).toBe(0)
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout))
  })
})

describe('--format github and GITHUB_ACTIONS', () => {
  it('escapes data and properties as the toolkit does', () => {
    expect(escapeData('50% of 20\r\nnext')).toBe('50%25 of 20%0D%0Anext')
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25')
  })

  it('prints one workflow command per diagnostic, with the file relative to the repository, and a summary', () => {
    const r = runCliInProcess(['plan', '--procfile', fixture('ruby-unparsable/Procfile'), '--plan', 'essential-0', '--format', 'github'])
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^::warning file=test\/fixtures\/ruby-unparsable\/config\/puma\.rb,line=\d+,title=conncalc unparsable-config::/)
    expect(lines.at(-1)).toMatch(/^::notice title=conncalc::\d+ of 20 connections \(\d+%25\), \w+; deploy peak \d+$/)
    for (const l of lines) expect(l).toMatch(/^::(error|warning|notice) /)
  })

  it('a multi-line message stays on one line (fix: on %0A)', () => {
    const r = runCliInProcess([...OVER, '--format', 'github'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('::error title=conncalc over-limit::29 connections needed, plan essential-0 allows 20: new connections will fail with "FATAL: too many connections"%0Afix: ')
  })

  it('with GITHUB_ACTIONS=true the table also emits workflow commands, on stderr', () => {
    const r = runCli(RAILS, {env: {GITHUB_ACTIONS: 'true'}})
    expect(r.stdout).toContain('total 17 of 20')
    expect(r.stdout).not.toContain('::warning')
    expect(r.stderr).toContain('::warning title=conncalc near-limit::17 of 20 connections (85%25) on plan essential-0')
    expect(runCliInProcess(RAILS).stderr).toBe('')
  })
})

describe('--format svg', () => {
  const parse = (svg: string) => {
    expect(XMLValidator.validate(svg)).toBe(true)
    return new XMLParser({ignoreAttributes: false, isArray: (name) => ['rect', 'text', 'line'].includes(name)}).parse(svg) as {
      svg: {'@_height': string; '@_width': string; line?: unknown[]; rect: {'@_fill': string; '@_width': string; title?: string}[]; text: (string | {'#text': string})[]; title: string}
    }
  }

  it('is well-formed SVG with a segment per type, the limit and the deploy peak', () => {
    const r = runCliInProcess([...RAILS, '--format', 'svg'])
    expect(r.code).toBe(0)
    const svg = parse(r.stdout).svg
    expect(svg['@_width']).toBe('640')
    expect(svg.title).toBe('conncalc: 17 of 20 connections (85%), warning')
    const segments = svg.rect.filter((x) => x.title)
    // deploy peak: 17 + the release's 2 (`rails db:migrate`: its connection and the migrator's advisory-lock connection)
    expect(segments.map((x) => x.title)).toEqual(['web: 12', 'worker: 5', 'deploy peak: 19'])
    expect(svg.line).toHaveLength(1) // the limit
    const texts = svg.text.map((t) => (typeof t === 'string' ? t : t['#text']))
    expect(texts).toEqual(expect.arrayContaining(['limit 20', 'web 12', 'worker 5', 'deploy peak 19']))
  })

  it('is deterministic and escapes text (app names, paths)', () => {
    // Two processes (the test's worker and a new one): nothing in the output depends on the run.
    const a = runCliInProcess(['plan', '--format', 'svg'], {cwd: fixture('capacity/shared-db')})
    const b = runCli(['plan', '--format', 'svg'], {cwd: fixture('capacity/shared-db')})
    expect(a.stdout).toBe(b.stdout)
    expect(parse(a.stdout).svg.rect.filter((x) => x.title).map((x) => x.title)).toEqual(['storefront web: 48', 'storefront worker: 15', 'admin web: 20', 'deploy peak: 85'])
  })

  it('--output writes it to a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-svg-'))
    temps.push(dir)
    const out = join(dir, 'docs', 'budget.svg')
    const r = runCliInProcess([...OVER, '--format', 'svg', '--output', out])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    const svg = parse(readFileSync(out, 'utf8')).svg
    expect(svg.title).toBe('conncalc: 29 of 20 connections (145%), over the limit')
    // the part past the limit is marked: 29 - 20 = 9
    expect(svg.rect.filter((x) => x.title).map((x) => x.title)).toContain('over the limit by 9')
    const texts = svg.text.map((t) => (typeof t === 'string' ? t : t['#text']))
    expect(texts).toContain('over the limit by 9')
  })

  it('--output and readme --file that cannot be written: exit 2, why in words', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-write-'))
    temps.push(dir)
    const failed = (args: string[]) => {
      const r = runCliInProcess(args)
      return [r.code, r.stdout, r.stderr]
    }

    expect(failed([...OVER, '--output', dir])).toEqual([2, '', `conncalc: cannot write ${dir} (it is a directory (EISDIR))\n`])
    expect(failed([...OVER, '--output', join(ROOT_FILE, 'budget.svg')])).toEqual([2, '', `conncalc: cannot write ${join(ROOT_FILE, 'budget.svg')} (a part of the path is a file, not a folder (EEXIST))\n`])
    expect(failed(['readme', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--file', ''])).toEqual([2, '', 'conncalc: --file is followed by an empty word (a shell variable with no value?)\n  hint: give it a value, or leave the empty word out\n'])
    expect(failed(['readme', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--file', dir])).toEqual([2, '', `conncalc: cannot use ${dir} as the README (a directory)\n`])
  })

  it('names the Procfile, the plan and its limit', () => {
    const texts = parse(runCliInProcess([...RAILS, '--format', 'svg']).stdout).svg.text.map((t) => (typeof t === 'string' ? t : t['#text']))
    expect(texts).toContain('examples/rails/Procfile · plan essential-0 (limit 20, secondary source)')
  })
})

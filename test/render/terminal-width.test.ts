import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {wrapLine} from '../../src/render/wrap.js'
import {fixture, ROOT, runCli, runCliInProcess} from '../helpers/cli.js'

// The README's example: web 2 dynos × 2 Puma workers × min(pool 5, 3 threads) = 12,
// worker 1 × 1 × min(5, 5) = 5, release 2 (deploy peak only: `rails db:migrate` and the migrator's advisory-lock connection): 17 of essential-0's 20.
const RAILS = ['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']
/** What a terminal of `columns` shows (OCLIF_COLUMNS pins the width, as for oclif's own help). */
const at = (columns: number, args = RAILS) => runCliInProcess(args, {env: {OCLIF_COLUMNS: String(columns)}})
const chars = (line: string): number => [...line].length
/** Lines wider than the terminal, other than one unbreakable word (a URL) on its own. */
const tooWide = (text: string, width: number): string[] => text.split('\n').filter((l) => chars(l) > width && l.trim().includes(' '))

const temps: string[] = []
afterAll(() => {
  for (const t of temps) rmSync(t, {force: true, recursive: true})
})

describe('the table view fits the terminal', () => {
  it('120 columns: the full table, as in a pipe', () => {
    const r = at(120)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('type     server   dynos  proc/dyno  threads  pool  extra  conn/proc  conn/dyno  connections  max dynos\n')
    expect(r.stdout).toContain('web      puma         2          2        3     5      0          3          6           12          2\n')
    expect(tooWide(r.stdout, 120)).toEqual([])
  })

  it('80 columns: every column, shorter names and a key to them', () => {
    const r = at(80)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      [
        'type     server   dynos  proc  thr  pool  extra  c/proc  c/dyno  conns  max',
        'release  release      1     1    1     -      1       2       2    (2)    -',
        'web      puma         2     2    3     5      0       3       6     12    2',
        'worker   sidekiq      1     1    5     5      0       5       5      5    1',
        'proc = processes per dyno  thr = threads per process',
        '  c/proc = connections per process  c/dyno = connections per dyno',
        '  conns = connections  max = max dynos',
      ].join('\n'),
    )
    expect(r.stdout).not.toContain('not shown')
    expect(tooWide(r.stdout, 80)).toEqual([])
  })

  it('60 columns: the columns another implies give way, and the table says which', () => {
    const r = at(60)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(
      [
        'type     server   dynos  proc  thr  pool  c/proc  conns',
        'release  release      1     1    1     -       2    (2)',
        'web      puma         2     2    3     5       3     12',
        'worker   sidekiq      1     1    5     5       5      5',
      ].join('\n'),
    )
    expect(r.stdout).toContain('not shown at this width: extra, conn/dyno, max dynos (see\n  --explain, --json or a wider terminal)\n')
    expect(tooWide(r.stdout, 60)).toEqual([])
  })

  it('a terminal narrower than 60 gets the 60-column layout', () => {
    expect(at(40).stdout).toBe(at(60).stdout)
  })

  it('diagnostics wrap at word boundaries with a hanging indent', () => {
    const r = at(80)
    expect(r.stdout).toContain(
      [
        'warning: 17 of 20 connections (85%) on plan essential-0: 3 left for one-off',
        '  dynos, consoles and deploys [near-limit]',
        '  fix: keep slots free for `heroku run`, pg:psql and Scheduler (--reserve N) or',
        '    plan headroom; the warning threshold is --warn-at 0.8',
      ].join('\n'),
    )
  })

  it('items on one line (headroom, ceiling, deploy peak) break between items, not inside one', () => {
    expect(at(60).stdout).toContain('headroom 3   ceiling 27 (if every pool fills)\n  deploy peak 19\n')
  })

  it('--explain: a wrapped source continues under its own column', () => {
    const r = at(80, [...RAILS, '--explain'])
    expect(r.stdout).toContain('  pool (primary)       5  config/database.yml:16 ← RAILS_MAX_THREADS from\n                          Procfile:3\n')
    expect(tooWide(r.stdout, 80)).toEqual([])
  })

  it("a `*` of a column left out moves to the row's connections", () => {
    // A Rails 4.2 Unicorn master that preloads keeps the connection the schema cache check opens at boot (ActiveRecord
    // < 5.2 does not empty its pools): that per-dyno +1 is an assumption, marked on conn/dyno at full width (3 × 1 + 1 = 4*).
    const args = ['plan', '--procfile', `${fixture('fork-rails-4-2-unicorn-schema-cache')}/Procfile`, '--plan', 'standard-0']
    const full = runCliInProcess(args).stdout
    const web = full.split('\n').find((l) => l.startsWith('web '))!
    expect(web.split(/\s+/)[8]).toMatch(/\*$/) // conn/dyno
    expect(web.split(/\s+/)[9]).not.toMatch(/\*$/) // connections
    const narrow = at(60, args).stdout.split('\n').find((l) => l.startsWith('web '))!
    expect(narrow.split(/\s+/).at(-1)).toBe(`${web.split(/\s+/)[9]}*`)
  })
})

describe('not a terminal: byte-stable, whatever the width', () => {
  it('a pipe ignores COLUMNS (CI logs and the README example never change)', () => {
    // A pipe in a process of its own, as CI has it.
    const piped = runCli(RAILS, {env: {COLUMNS: '60'}}).stdout
    expect(piped).toBe(runCliInProcess(RAILS, {env: {COLUMNS: '200'}}).stdout)
    expect(piped).toContain('proc/dyno  threads')
    expect(readFileSync('README.md', 'utf8')).toContain(piped.split('\n').slice(2, 6).join('\n'))
  })

  it('--output FILE writes the full layout even with a width', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-width-'))
    temps.push(dir)
    const out = join(dir, 'budget.txt')
    expect(at(60, [...RAILS, '--output', out]).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe(runCliInProcess(RAILS).stdout)
  })
})

describe('wrapLine', () => {
  it('leaves a line that fits, and every line without a width', () => {
    expect(wrapLine('a b c', 10)).toEqual(['a b c'])
    expect(wrapLine('x '.repeat(100), undefined)).toEqual(['x '.repeat(100)])
  })

  it('never splits a word; a longer one gets a line of its own', () => {
    expect(wrapLine('see https://devcenter.heroku.com/articles/release-phase now', 20)).toEqual(['see', '  https://devcenter.heroku.com/articles/release-phase', '  now'])
  })

  it('keeps colour codes whole and does not count them', () => {
    const ESC = String.fromCodePoint(27)
    const dim = (s: string) => `${ESC}[2m${s}${ESC}[22m`
    expect(wrapLine(`${dim('warning')}: one two three`, 17)).toEqual([`${dim('warning')}: one two`, '  three'])
  })
})

describe('paths are shown relative to the working folder', () => {
  it("a sibling app's Procfile (../app/Procfile) in the table and the SVG, never the absolute path", () => {
    const base = mkdtempSync(join(tmpdir(), 'conncalc-paths-'))
    temps.push(base)
    cpSync(join(ROOT, 'examples/rails'), join(base, 'app'), {recursive: true})
    mkdirSync(join(base, 'ci'))
    const args = ['plan', '--procfile', '../app/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']
    const table = runCliInProcess(args, {cwd: join(base, 'ci')})
    expect(table.stdout.split('\n')[0]).toBe('conncalc plan ../app/Procfile · plan essential-0 (limit 20, secondary source)')
    const svg = runCliInProcess([...args, '--format', 'svg'], {cwd: join(base, 'ci')})
    expect(svg.stdout).toContain('>../app/Procfile · plan essential-0 (limit 20, secondary source)</text>')
    expect(table.stdout + svg.stdout).not.toContain(base)
  })
})

describe('scale and --suggest at narrow widths', () => {
  // The README's app at web=4 worker=3: web 4 × 2 × 3 = 24, worker 3 × 5 = 15 → 39 of essential-0's 20.
  // max dynos with the other held: web (20 − 15 − 2 release) / 6 = 0, worker (20 − 24 − 2) / 5 < 0 → 0;
  // from web=2 worker=1 (17): web=4 alone is 29, web fits (20 − 5 − 2) / 6 = 2 dynos.
  const SCALE = ['scale', 'web=4', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']

  it.each([60, 80])('scale at %i columns: every line fits', (columns) => {
    const r = at(columns, SCALE)
    expect(r.code).toBe(1)
    expect(tooWide(r.stdout, columns)).toEqual([])
    expect(r.stdout).toMatch(/^web +2 → 4 +12 → 24 +\+12$/m)
  })

  it('the over-limit fix names the dynos that fit, never a "max dynos" column (scale has none)', () => {
    const r = at(60, SCALE)
    expect(r.stdout).not.toContain('max dynos')
    expect(r.stdout.replaceAll(/\n +/g, ' ')).toContain('fix: scale one type down (alone, with the others held: web to 2 dynos), lower pool/threads')
  })

  it('plan --suggest that fits says the room to scale in numbers, not "see max dynos" (left out at 60)', () => {
    // standard-0 (120): web (120 − 5 − 2 release) / 6 = 18 dynos, worker (120 − 12 − 2) / 5 = 21.
    const r = at(60, ['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'standard-0', '--scale', 'web=2', 'worker=1', '--suggest'])
    expect(r.code).toBe(0)
    const flat = r.stdout.replaceAll(/\n +/g, ' ')
    expect(flat).toContain('fits: nothing to change; room to scale, one type at a time with the others held: web to 18 dynos, worker to 21 dynos')
    expect(flat.split('max dynos')).toHaveLength(2) // only in "not shown at this width"
  })

  it('plan --suggest at 60 columns names "max dynos" only where it says the column is not shown', () => {
    const r = at(60, ['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=4', 'worker=3', '--suggest'])
    expect(r.code).toBe(1)
    expect(tooWide(r.stdout, 60)).toEqual([])
    const flat = r.stdout.replaceAll(/\n +/g, ' ')
    expect(flat).toContain('not shown at this width: extra, conn/dyno, max dynos')
    expect(flat.split('max dynos')).toHaveLength(2)
    // Neither type fits alone at 1 dyno or more (web 0, worker 0): the fix does not name a number.
    expect(flat).toContain('fix: scale process types down, lower pool/threads, add PgBouncer, or move to a larger plan')
  })
})

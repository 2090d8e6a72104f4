import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {commonMistake} from '../../src/io/config.js'
import {runCli, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

/** Copies of the storefront fixture app (web, worker, release) with `files` written into them. */
const {app} = tempApps('capacity/storefront')

/** `conncalc plan` in an app: it must stop with exit 2, no report, no stack. */
function rejected(files: Record<string, string>, args: string[] = []) {
  const r = runCliInProcess(['plan', ...args], {cwd: app(files)})
  expect(r.code).toBe(2)
  expect(r.stdout).toBe('')
  expect(r.stderr).not.toMatch(/\n\s+at /)
  // A file the user wrote is rejected: conncalc stops, and never says it carried on without it.
  expect(r.stderr).not.toContain('uses the defaults')
  return r.stderr
}

describe('a config file that is not valid YAML', () => {
  it("one error: file:line:col and the parser's reason, on one line", () => {
    // `scale: {web: 2` never closes its flow mapping: the yaml package reports it where the text ends (line 3, column 1).
    const err = rejected({'conncalc.yml': 'plan: standard-0\nscale: {web: 2\n'})
    expect(err).toBe(
      'conncalc: conncalc.yml:3:1: config file is not valid YAML: Flow map in block collection must be sufficiently indented and end with a }\n' +
        '  hint: fix the file (conncalc does not run without the settings it holds), or pass --config with another one\n',
    )
  })

  it('every syntax error of the file, each at its place', () => {
    // Line 3 is indented deeper than the key before it (a nested mapping in a compact one): the parser names two faults at 3:8.
    const err = rejected({'conncalc.yml': 'plan: standard-0\nscale:\n  web: 2\n   worker: 1\n'})
    expect(err).toContain('conncalc: config file conncalc.yml is not valid YAML (2 errors):\n')
    expect(err).toContain('  conncalc.yml:3:8: Nested mappings are not allowed in compact mappings\n')
    expect(err).toContain('  conncalc.yml:3:8: Implicit keys need to be on a single line\n')
  })

  it('under --json, the documented error object and nothing else', () => {
    const r = runCli(['plan', '--json'], {cwd: app({'conncalc.yml': 'plan: standard-0\nscale: {web: 2\n'})})
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        exitCode: 2,
        hint: 'fix the file (conncalc does not run without the settings it holds), or pass --config with another one',
        message: 'conncalc.yml:3:1: config file is not valid YAML: Flow map in block collection must be sufficiently indented and end with a }',
      },
    })
  })

  it('a package.json given with --config that does not parse is named as JSON', () => {
    const dir = app({'package.json': '{\n  "conncalc": {"plan": "standard-0"\n}\n'})
    const err = rejected({}, ['--config', join(dir, 'package.json')])
    expect(err).toMatch(/^conncalc: \S*package\.json:\d+:\d+: config file is not valid JSON: /)
  })
})

describe('every problem of the file at once, in line order, with a hint for the common mistakes', () => {
  const file = [
    'plan: standard-0', // 1
    'scale:', // 2
    '  web: 2..x', // 3
    '  worker: yes', // 4
    '  release: 2 standard-2x', // 5
    'preboot: on', // 6
    'warn_at: 0.5', // 7
    'reserv: 3', // 8
    'limit: "120"', // 9
    '',
  ].join('\n')

  it('all seven, one line each, in the order of the file', () => {
    const err = rejected({'conncalc.yml': file})
    const lines = err.split('\n')
    expect(lines[0]).toBe('conncalc: invalid config file conncalc.yml:')
    expect(lines.slice(1, 8).map((l) => /^ {2}conncalc\.yml:(\d+): /.exec(l)?.[1])).toEqual(['3', '4', '5', '6', '7', '8', '9'])
    expect(lines[8]).toBe('  hint: conncalc does not run on a config file it cannot use; conncalc schema prints its JSON Schema')
  })

  it('web: 2..x — a range needs numbers on both sides', () => {
    expect(rejected({'conncalc.yml': file})).toContain(
      '  conncalc.yml:3: scale.web: use a dyno count (2), a range (2..10) or a count and size (2:standard-2x); a range needs a dyno count on both sides of "..", e.g. "2..10"\n',
    )
  })

  it('worker: yes — a YAML 1.1 boolean where a dyno count goes', () => {
    expect(rejected({'conncalc.yml': file})).toContain('  conncalc.yml:4: scale.worker: use a dyno count (2), a range (2..10) or a count and size (2:standard-2x); "yes" is a YAML 1.1 boolean, which YAML 1.2 reads as text: write true — or, for a dyno count, a number\n')
  })

  it('release: 2 standard-2x — a count and a size are joined by a colon', () => {
    expect(rejected({'conncalc.yml': file})).toContain('did you mean "2:standard-2x"? (a count and a dyno size are joined by a colon)\n')
  })

  it('preboot: on — a YAML 1.1 boolean where true or false goes', () => {
    expect(rejected({'conncalc.yml': file})).toContain('  conncalc.yml:6: preboot: Invalid input: expected boolean, received string; "on" is a YAML 1.1 boolean, which YAML 1.2 reads as text: write true\n')
  })

  it('unknown keys get the closest known one (edit distance; - and _ ignored)', () => {
    const err = rejected({'conncalc.yml': file})
    expect(err).toContain('  conncalc.yml:7: warn_at: unknown key; did you mean warnAt?\n')
    expect(err).toContain('  conncalc.yml:8: reserv: unknown key; did you mean reserve?\n')
  })

  it('a quoted number', () => {
    expect(rejected({'conncalc.yml': file})).toContain('  conncalc.yml:9: limit: Invalid input: expected number, received string; write 120 without quotes: quoted, it is text\n')
  })

  it('the hints, one by one', () => {
    expect(commonMistake('no', ['preboot'])).toBe('"no" is a YAML 1.1 boolean, which YAML 1.2 reads as text: write false')
    expect(commonMistake('2-10', ['scale', 'web'])).toBe('did you mean "2..10"? (a range is two numbers joined by two dots)')
    expect(commonMistake('2...10', ['scale', 'web'])).toBe('did you mean "2..10"? (a range is two numbers joined by two dots)')
    expect(commonMistake('3x standard-2x', ['scale', 'web'])).toBe('did you mean "3:standard-2x"? (a count and a dyno size are joined by a colon)')
    expect(commonMistake('2,performance-l', ['scale', 'web'])).toBe('did you mean "2:performance-l"? (a count and a dyno size are joined by a colon)')
    // A value conncalc cannot guess at gets no hint rather than a wrong one.
    expect(commonMistake('lots', ['scale', 'web'])).toBeUndefined()
    expect(commonMistake(2, ['scale', 'web'])).toBeUndefined()
  })
})

describe('--plans-file errors', () => {
  it("invalid JSON: file:line:col and JSON.parse's reason, without the text it quotes", () => {
    // Line 2 is ` "plans": [}`: the `}` is column 12.
    const dir = app({'plans.json': '{"name": "mine",\n "plans": [}\n'})
    const err = rejected({}, ['--plans-file', join(dir, 'plans.json'), '--plan', 'a'])
    expect(err).toMatch(/^conncalc: \S*plans\.json:2:12: plans file is not valid JSON: Unexpected token '}'\n {2}hint: fix the file, or leave --plans-file out to use the built-in table\n$/)
  })

  it('invalid YAML: file:line:col', () => {
    const dir = app({'plans.yml': 'name: mine\nplans:\n  - {name: a\n'})
    expect(rejected({}, ['--plans-file', join(dir, 'plans.yml'), '--plan', 'a'])).toMatch(/\S*plans\.yml:4:1: plans file is not valid YAML: Flow map in block collection must be sufficiently indented and end with a }\n/)
  })

  it('every schema problem, at the line of its key', () => {
    const dir = app({'plans.yml': 'name: mine\nplans:\n  - name: a\n    tier: standard\n    limit: "20"\n    confidence: confirmed\n    source: s\n  - name: b\n    tier: standard\n    limit: 40\n'})
    const err = rejected({}, ['--plans-file', join(dir, 'plans.yml'), '--plan', 'a'])
    expect(err).toMatch(/invalid plan table \S*plans\.yml:\n {2}\S*plans\.yml:5: plans\[0\] \(a\)\.limit: Invalid input: expected number, received string\n {2}\S*plans\.yml:8: plans\[1\] \(b\)\.confidence: /)
    expect(err).toMatch(/plans\.yml:8: plans\[1\] \(b\)\.source: /)
  })

  it("a key left out is 'missing', an unknown key is named with the known ones: not zod's 'received undefined'", () => {
    const dir = app({'plans.yml': 'plans:\n  - name: mine-1\n    connections: 50\n'})
    const err = rejected({}, ['--plans-file', join(dir, 'plans.yml'), '--plan', 'mine-1'])
    const lines = err.split('\n').map((l) => l.replace(/^ {2}\S*plans\.yml:/, '  plans.yml:'))
    expect(lines.slice(1, 8)).toEqual([
      '  plans.yml:1: name: missing (a string)',
      '  plans.yml:2: plans[0] (mine-1).confidence: missing: one of confirmed, secondary, derived, unconfirmed',
      '  plans.yml:2: plans[0] (mine-1).limit: missing (a number)',
      '  plans.yml:2: plans[0] (mine-1).source: missing (a string)',
      '  plans.yml:2: plans[0] (mine-1).tier: missing (a string)',
      '  plans.yml:2: plans[0] (mine-1): unknown key "connections"; known keys: aliases, confidence, limit, name, note, source, tier',
      '  hint: each plan needs name, tier, limit, confidence and source',
    ])
  })

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['a list', '- name: a\n', 'the file holds a list'],
  ])('%s: says what a plan table is', (_, text, what) => {
    const dir = app({'plans.yml': text})
    expect(rejected({}, ['--plans-file', join(dir, 'plans.yml'), '--plan', 'a'])).toContain(`plans.yml:1: (root): ${what}; a plan table is an object with a name and plans (a list of plans)\n`)
  })

  it('an empty list of plans', () => {
    const dir = app({'plans.json': '{"name": "mine", "plans": []}\n'})
    expect(rejected({}, ['--plans-file', join(dir, 'plans.json'), '--plan', 'a'])).toContain('plans.json:1: plans: empty; give at least one\n')
  })
})

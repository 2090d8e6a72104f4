import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {UsageError} from '../../src/util/errors.js'
import {loadDynoSizes} from '../../src/platform/dyno-size-table.js'
import {closestDynoSizes, normalizeDynoSize, parseAppJsonFormation, parseScale} from '../../src/platform/formation.js'
import {fromFlag, sourced} from '../../src/model/source.js'
import {dynoFacts} from '../../src/platform/dyno-sizes.js'

const thrown = (fn: () => unknown): UsageError => {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return error as UsageError
  }

  throw new Error('expected a UsageError')
}

describe('parseScale', () => {
  it('reads web=2 worker=1 from one argument or several, and commas', () => {
    for (const args of [['web=2 worker=1'], ['web=2', 'worker=1'], ['web=2,worker=1']]) {
      const f = parseScale(args)
      expect([...f.keys()]).toEqual(['web', 'worker'])
      expect(f.get('web')).toEqual({quantity: {source: {flag: '--scale web=2', kind: 'flag'}, value: 2}})
      expect(f.get('worker')?.quantity.value).toBe(1)
    }
  })

  it('reads a size and normalises it to lower case', () => {
    const f = parseScale(['web=2:Standard-2X', 'worker=0:performance-m'])
    expect(f.get('web')).toEqual({
      quantity: {source: {flag: '--scale web=2:Standard-2X', kind: 'flag'}, value: 2},
      size: {source: {flag: '--scale web=2:Standard-2X', kind: 'flag'}, value: 'standard-2x'},
    })
    expect(f.get('worker')?.quantity.value).toBe(0)
    expect(f.get('worker')?.size?.value).toBe('performance-m')
  })

  it('budgets the max of a range and keeps min and max', () => {
    const f = parseScale(['web=2..10:performance-l'])
    expect(f.get('web')).toMatchObject({quantity: {value: 10}, range: {max: 10, min: 2}, size: {value: 'performance-l'}})
  })

  it('keeps the last value of a type named twice', () => {
    expect(parseScale(['web=2', 'web=5']).get('web')?.quantity.value).toBe(5)
  })

  it('takes a Cloud Foundry application named by a manifest variable, as conncalc shows it', () => {
    expect([...parseScale(['((app_name))-worker=2', '((app_name))=1:standard-2x']).keys()]).toEqual(['((app_name))-worker', '((app_name))'])
  })

  it('returns an empty formation for no arguments', () => {
    expect(parseScale([]).size).toBe(0)
    expect(parseScale(['  ']).size).toBe(0)
  })

  it.each([
    ['web', '--scale web: missing =QUANTITY'],
    ['web=x', '--scale web=x: "x" is not a number of dynos (a whole number, or MIN..MAX)'],
    ['=2', '--scale =2: missing the process type before ='],
    ['web=-1', '--scale web=-1: the number of dynos cannot be negative'],
    ['web=', '--scale web=: missing the number of dynos after ='],
    ['web=2:', '--scale web=2:: missing the dyno size after :'],
    ['web=1.5', '--scale web=1.5: "1.5" is not a number of dynos (a whole number, or MIN..MAX)'],
    ['web=10..2', '--scale web=10..2: the range 10..2 ends below its start'],
    ['web+1', '--scale web+1: relative changes need the current formation; give the number of dynos, e.g. web=3'],
    ['we.b=1', '--scale we.b=1: "we.b" is not a process type name (letters, digits, _ and -, or a manifest\'s ((variable)))'],
    ['((app=1', '--scale ((app=1: "((app" is not a process type name (letters, digits, _ and -, or a manifest\'s ((variable)))'],
  ])('refuses %j with a one-line message and a syntax hint', (arg, message) => {
    const e = thrown(() => parseScale([arg]))
    expect(e.message).toBe(message)
    expect(e.message).not.toContain('\n')
    expect(e.hint).toContain('--scale web=2 worker=1')
    expect(e.exitCode).toBe(2)
  })

  it('names an unknown size and suggests the closest ones', () => {
    expect(thrown(() => parseScale(['web=2:standard-3x'])).message).toBe(
      '--scale web=2:standard-3x: unknown dyno size "standard-3x"; did you mean standard-1x, standard-2x?',
    )
    expect(thrown(() => parseScale(['web=1:pl'])).message).toContain('did you mean performance-l')
    const e = thrown(() => parseScale(['web=1:gigantic']))
    expect(e.message).toBe('--scale web=1:gigantic: unknown dyno size "gigantic"')
    expect(e.hint).toBe(
      'dyno sizes: eco, basic, standard-1x, standard-2x, performance-m, performance-l, performance-l-ram, performance-xl, performance-2xl, private-*/shield-* (s, m, l, l-ram, xl, 2xl, memory-l, memory-xl, memory-2xl), Fir dyno-<vCPU>c-<GB>gb (e.g. dyno-1c-0.5gb)',
    )
  })
})

describe('normalizeDynoSize', () => {
  it.each([
    ['eco', 'eco'],
    ['Basic', 'basic'],
    ['PERFORMANCE-L-RAM', 'performance-l-ram'],
    ['performance-2xl', 'performance-2xl'],
    ['Private-S', 'private-s'],
    ['shield-xl', 'shield-xl'],
    ['dyno-2c-1gb', 'dyno-2c-1gb'],
    ['1X', 'standard-1x'],
    ['2x', 'standard-2x'],
    ['PX', 'performance-l'],
    ['hobby', 'basic'],
    ['free', 'eco'],
    ['Performance', 'performance-l'],
    ['Private-L-RAM', 'private-l-ram'],
    ['private-2xl', 'private-2xl'],
    ['Shield-Memory-2XL', 'shield-memory-2xl'],
    ['dyno-16c-128gb', 'dyno-16c-128gb'],
  ])('%s → %s', (given, canonical) => {
    expect(normalizeDynoSize(given)).toBe(canonical)
  })

  it('accepts exactly the sizes plans/dyno-sizes.json has a row for, so none falls back to an assumed 512 MB dyno', () => {
    const table = loadDynoSizes()
    for (const given of table.sizes.flatMap((s) => [s.name, ...(s.aliases ?? []), s.name.toUpperCase()])) {
      const size = normalizeDynoSize(given)
      expect(size, given).toBeDefined()
      const d = dynoFacts(table, sourced(size!, fromFlag(`--scale web=1:${given}`)))
      expect([given, d.name, d.size.source.kind]).toEqual([given, size, 'flag'])
    }
  })

  it('is undefined for a size Heroku does not have', () => {
    expect(normalizeDynoSize('standard-4x')).toBeUndefined()
    expect(normalizeDynoSize('')).toBeUndefined()
  })

  it('suggests by abbreviation and spelling', () => {
    expect(closestDynoSizes('perf-m')).toEqual(['performance-m'])
    expect(closestDynoSizes('std-2x')).toEqual(['standard-2x'])
  })
})

describe('parseAppJsonFormation', () => {
  const text = readFileSync(new URL('../fixtures/app-json/app.json', import.meta.url), 'utf8')

  it('reads quantity and size with the line of each', () => {
    const r = parseAppJsonFormation(text)
    expect(r.diagnostics).toEqual([])
    expect(r.formation.get('web')).toEqual({
      quantity: {source: {file: 'app.json', kind: 'file', line: 14}, value: 2},
      size: {source: {file: 'app.json', kind: 'file', line: 15}, value: 'standard-2x'},
    })
    expect(r.formation.get('worker')).toEqual({
      quantity: {source: {file: 'app.json', kind: 'file', line: 18}, value: 1},
      size: {source: {file: 'app.json', kind: 'file', line: 19}, value: 'standard-1x'},
    })
  })

  it('assumes 1 dyno when a type has a size but no quantity, and says so', () => {
    const clock = parseAppJsonFormation(text).formation.get('clock')
    expect(clock?.quantity).toEqual({
      source: {kind: 'assumed', why: 'app.json formation.clock has no quantity; 1 dyno assumed'},
      value: 1,
    })
    expect(clock?.size?.value).toBe('basic')
  })

  it('lists buildpack URLs and notices the pgbouncer buildpack', () => {
    const r = parseAppJsonFormation(text)
    expect(r.buildpacks).toEqual(['heroku/ruby', 'https://github.com/heroku/heroku-buildpack-pgbouncer'])
    expect(r.mentionsPgbouncer).toBe(true)
    expect(parseAppJsonFormation('{"buildpacks": [{"url": "heroku/python"}]}').mentionsPgbouncer).toBe(false)
    expect(parseAppJsonFormation('{"scripts": {"postdeploy": "bin/start-pgbouncer rake x"}}').mentionsPgbouncer).toBe(true)
  })

  it('reports invalid JSON as unparsable-config on the line of the error, without throwing', () => {
    const r = parseAppJsonFormation('{\n  "formation": {\n    "web": {"quantity": 2,}\n  }\n}\n', 'app.json')
    // Line 3 is `    "web": {"quantity": 2,}`: the `}` after the trailing comma is column 27, where JSON.parse stops.
    expect(r.formation.size).toBe(0)
    expect(r.diagnostics).toEqual([
      {
        code: 'unparsable-config',
        file: 'app.json',
        line: 3,
        message: 'app.json is not valid JSON at 3:27 (Expected double-quoted property name); none of it is used (its env, formation, buildpacks and add-ons), so a value only it sets takes the default here',
        severity: 'warning',
      },
    ])
  })

  it('skips bad quantities and sizes with a warning on their line', () => {
    const r = parseAppJsonFormation(
      '{\n  "formation": {\n    "web": {"quantity": -1},\n    "worker": {\n      "quantity": 2,\n      "size": "huge"\n    }\n  }\n}',
    )
    expect(r.formation.has('web')).toBe(false)
    expect(r.formation.get('worker')).toEqual({quantity: {source: {file: 'app.json', kind: 'file', line: 5}, value: 2}})
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [3, 'app.json: formation.web.quantity is not a whole number of dynos from 0 to 262143; not used'],
      [6, 'app.json: formation.worker.size "huge" is not a Heroku dyno size; the size is ignored (the dyno count is used)'],
    ])
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['unparsable-config', 'warning'], ['unknown-dyno-size', 'warning']])
  })

  it('a Scalingo container size parses: its own info, not unparsable-config, and the quantity is kept', () => {
    const r = parseAppJsonFormation('{\n  "formation": {\n    "web": {\n      "amount": 1,\n      "quantity": 2,\n      "size": "M"\n    }\n  }\n}')
    expect(r.formation.get('web')).toEqual({quantity: {source: {file: 'app.json', kind: 'file', line: 5}, value: 2}})
    expect(r.diagnostics).toMatchObject([{code: 'unknown-dyno-size', file: 'app.json', line: 6, severity: 'info'}])
    expect(r.diagnostics[0].message).toContain('"M" is a Scalingo container size (512 MB')
  })

  it("reads Heroku's first formation form, a list of {process, quantity, size}, starred, each count on its line", () => {
    const text = '{\n  "formation": [\n    {"process": "web", "quantity": 2, "size": "standard-2x"},\n    {\n      "process": "worker",\n      "quantity": 0\n    },\n    {"quantity": 3},\n    {"process": "clock"}\n  ]\n}\n'
    const r = parseAppJsonFormation(text)
    expect(r.formationLine).toBe(2)
    expect([...r.formation.keys()]).toEqual(['web', 'worker', 'clock'])
    const web = r.formation.get('web')!
    expect([web.quantity.value, web.quantity.source, web.size]).toEqual([2, {file: 'app.json', kind: 'file', line: 3}, {source: {file: 'app.json', kind: 'file', line: 3}, value: 'standard-2x'}])
    expect(web.quantity.via).toEqual([{kind: 'assumed', why: expect.stringContaining("Heroku's first app.json form")}])
    expect([r.formation.get('worker')!.quantity.value, r.formation.get('worker')!.quantity.source]).toEqual([0, {file: 'app.json', kind: 'file', line: 6}])
    expect(r.formation.get('clock')!.quantity).toEqual({source: {kind: 'assumed', why: 'app.json formation[3] (clock) has no quantity; 1 dyno assumed'}, value: 1})
    // The item with no process name is said, not read, and does not shift the others' lines.
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['unparsable-config', 'app.json: formation[2] names no process type ("process"); not used']])
  })

  it('reads an app.json without formation as empty', () => {
    expect(parseAppJsonFormation('{"name": "x"}')).toEqual({
      addons: [],
      buildpacks: [],
      diagnostics: [],
      formation: new Map(),
      mentionsPgbouncer: false,
    })
  })
})

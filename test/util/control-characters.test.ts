import {describe, expect, it} from 'vitest'

import {escapeControls, escapeStrings, hasControls, safeOutput} from '../../src/util/control-characters.js'

describe('escapeControls', () => {
  it('shows ESC, BEL, CR, LF, tab, DEL, C1, line separators and bidi overrides as escapes', () => {
    expect(escapeControls('a\u001B]0;PWNED\u0007b')).toBe('a\\e]0;PWNED\\x07b')
    expect(escapeControls('x\ry\nz\tw')).toBe('x\\ry\\nz\\tw')
    expect(escapeControls('\u007F\u009B31m\u0085')).toBe('\\x7f\\x9b31m\\x85')
    expect(escapeControls('a\u2028b\u202Ec\u2066')).toBe('a\\u2028b\\u202ec\\u2066')
  })

  it('leaves text without control characters as it is (non-ASCII included)', () => {
    const s = 'web: bundle exec puma -C config/puma.rb · ü — 日本'
    expect(escapeControls(s)).toBe(s)
  })
})

describe('escapeStrings', () => {
  it('escapes every string, keys included, and keeps shared objects shared', () => {
    const shared = {name: 'w\neb'}
    const input = {a: [shared, shared], b: {['k\u001B']: 'v\r'}, n: 3, t: true, z: null}
    const out = escapeStrings(input)
    expect(out).toEqual({a: [{name: 'w\\neb'}, {name: 'w\\neb'}], b: {'k\\e': 'v\\r'}, n: 3, t: true, z: null})
    expect(out.a[0]).toBe(out.a[1])
    expect(input.a[0].name).toBe('w\neb') // the input is not changed
  })

  it('returns a value with nothing to escape as it is (no copy)', () => {
    const shared = {file: 'config/puma.rb', line: 3}
    const clean = {types: [{command: 'puma -C config/puma.rb', source: shared}, {command: 'sidekiq', source: shared}]}
    expect(escapeStrings(clean)).toBe(clean)
  })

  it('copies a structure 100,000 levels deep without overflowing the stack', () => {
    let deep: {next?: unknown; s: string} = {s: '\n'}
    for (let i = 0; i < 100_000; i++) deep = {next: deep, s: 'x'}
    let out = escapeStrings(deep) as {next?: unknown; s: string}
    let depth = 0
    while (out.next) {
      out = out.next as typeof out
      depth++
    }

    expect(depth).toBe(100_000)
    expect(out.s).toBe('\\n')
  })
})

describe('safeOutput', () => {
  it("keeps conncalc's own colours when colour is on, escapes every other control character", () => {
    const text = '\u001B[1mtotal\u001B[22m 5\u001B]0;t\u0007\r\n'
    expect(safeOutput(text, {keepColour: true})).toBe('\u001B[1mtotal\u001B[22m 5\\e]0;t\\x07\\r\n')
    expect(safeOutput(text, {keepColour: false})).toBe('\\e[1mtotal\\e[22m 5\\e]0;t\\x07\\r\n')
  })

  it('no line outside the GitHub view can start a workflow command, even indented or after a colour code', () => {
    const text = 'ok\n::error::x\n   ::warning::y\n\u001B[2m::notice::z\u001B[22m\nnot :: at start\n'
    const out = safeOutput(text, {keepColour: true})
    // eslint-disable-next-line no-control-regex
    expect(out.split('\n').filter((l) => /^\s*(\u001B\[[0-9;]*m)*\s*::/.test(l))).toEqual([])
    expect(out).toContain('not :: at start')
    expect(safeOutput('::notice title=conncalc::5\n', {keepColour: false, workflowCommands: true})).toBe('::notice title=conncalc::5\n')
  })
})

describe('hasControls', () => {
  it('finds a control character in a key or a value at any depth, past the recursion limit too', () => {
    let deep: {next?: unknown; s: string} = {s: 'clean'}
    for (let i = 0; i < 5000; i++) deep = {next: deep, s: 'x'}
    expect(hasControls(deep)).toBe(false)
    expect(hasControls({a: [deep, {['k\u001B']: 1}]})).toBe(true)
    let planted: {next?: unknown; s: string} = {s: 'x\u009B31m'}
    for (let i = 0; i < 5000; i++) planted = {next: planted, s: 'x'}
    expect(hasControls(planted)).toBe(true)
  })

  it('a frozen value found clean stays clean; a frozen one holding a value that can change is checked again', () => {
    const shared = Object.freeze({source: Object.freeze({kind: 'default', what: 'Puma 5+ default max threads'}), value: 5})
    expect(hasControls({a: shared, b: [shared]})).toBe(false)
    expect(hasControls({a: shared, b: 'x\u001B[2J'})).toBe(true)
    // Frozen, but its array is not: what is put in the array later is found.
    const list: string[] = ['clean']
    const holder = Object.freeze({list})
    expect(hasControls(holder)).toBe(false)
    list.push('\u202Eevil')
    expect(hasControls(holder)).toBe(true)
  })
})

import {describe, expect, it} from 'vitest'

import {parseJsonc} from '../../src/util/jsonc.js'

describe('parseJsonc: JSON as .NET configuration reads it (comments and trailing commas allowed)', () => {
  it('reads comments and trailing commas, keeping each key on its line', () => {
    const r = parseJsonc('{\n  // dev\n  "ConnectionStrings": {\n    /* main */ "Default": "Host=x",\n  },\n}\n')
    expect('value' in r && r.value.kind === 'object' && r.value.entries[0].key).toBe('ConnectionStrings')
    const inner = 'value' in r && r.value.kind === 'object' ? r.value.entries[0].value : undefined
    expect(inner?.kind === 'object' && inner.entries[0]).toMatchObject({key: 'Default', keyLine: 4, value: {value: 'Host=x'}})
  })

  it.each([
    ['{"a": 1 "b": 2}', 1, "expected ',' or '}'"],
    ['{\n"a": 01}', 2, "expected ',' or '}'"],
    ["{'a': 1}", 1, 'expected a property name in double quotes'],
    ['{"a": 1} x', 1, 'unexpected text after the end of the JSON value'],
    ['{"a": /* open', 1, 'unterminated /* comment'],
    ['{,}', 1, 'expected a property name in double quotes'],
  ])('refuses %j at line %i', (text, line, message) => {
    expect(parseJsonc(text)).toEqual({error: {line, message}})
  })

  it('refuses nesting deeper than it reads, without exhausting the stack', () => {
    expect(parseJsonc('['.repeat(100_000))).toEqual({error: {line: 1, message: 'nested too deeply'}})
  })
})

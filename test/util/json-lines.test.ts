import {describe, expect, it} from 'vitest'

import {jsonErrorLine, jsonKeyLine} from '../../src/util/json-lines.js'

describe('jsonErrorLine', () => {
  it('is undefined for valid JSON', () => {
    expect(jsonErrorLine('{"a": [1, -2.5e3, true, null, "x\\u00e9"]}\n')).toBeUndefined()
  })

  it.each([
    ['{\n  "a": 1,\n  "b": \n}', 4],
    ['{\n  "a": 1,\n}', 3],
    ['{\n  "a": "unterminated\n}', 2],
    ['{\n  "a": 1\n  "b": 2\n}', 3],
    ['{"a": 1}\n\n  trailing', 3],
    ['{\n  "a": 01\n}', 2],
    ['', 1],
  ])('finds the line of the error in %j', (text, line) => {
    expect(jsonErrorLine(text)).toBe(line)
  })
})

describe('jsonKeyLine', () => {
  const text = '{\n  "name": "storefront",\n  "formation": {\n    "worker": {"quantity": 1},\n    "web": {\n      "quantity": 2\n    }\n  }\n}\n'

  it('finds a nested key after its parents', () => {
    expect(jsonKeyLine(text, ['formation', 'web'])).toBe(5)
    expect(jsonKeyLine(text, ['formation', 'web', 'quantity'])).toBe(6)
    expect(jsonKeyLine(text, ['formation', 'worker', 'quantity'])).toBe(4)
  })

  it('falls back to the deepest parent found, or 1', () => {
    expect(jsonKeyLine(text, ['formation', 'clock'])).toBe(3)
    expect(jsonKeyLine(text, ['nope'])).toBe(1)
  })
})

/**
 * util/lines.ts: 1-based line numbers from offsets, for a text as a string (character offsets) or as bytes (Prism's
 * byte offsets). Each offset on a line, the newline itself included, is that line's.
 */
import {describe, expect, it} from 'vitest'

import {lineAt, lineIndex} from '../../src/util/lines.js'

const text = 'a: 1\n\nb: 22\r\nc: 3'
// Offsets:  a=0 ...'\n'=4 | '\n'=5 | b=6 ... '\r'=11 '\n'=12 | c=13 ... '3'=16
const expected = [1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4]

describe('lineIndex', () => {
  it('numbers every character offset of a string, newlines and CRLF ends included', () => {
    const lineOf = lineIndex(text)
    expect(Array.from({length: text.length}, (_, i) => lineOf(i))).toEqual(expected)
    // Past the end: the last line.
    expect(lineOf(text.length)).toBe(4)
  })

  it('numbers the byte offsets of the same text as bytes alike, multi-byte characters counted in bytes', () => {
    const lineOf = lineIndex(Buffer.from(text, 'utf8'))
    expect(Array.from({length: text.length}, (_, i) => lineOf(i))).toEqual(expected)
    const accented = lineIndex(Buffer.from('é\nx\n', 'utf8')) // é is 2 bytes: the newline is byte 2
    expect([0, 1, 2, 3, 4].map((i) => accented(i))).toEqual([1, 1, 1, 2, 2])
    // A plain Uint8Array (what Prism's reader holds), not only a Buffer.
    const plain = lineIndex(new Uint8Array(Buffer.from('x\ny\n\nz')))
    expect([0, 1, 2, 3, 4, 5].map((i) => plain(i))).toEqual([1, 1, 2, 2, 3, 4])
  })

  it('has one line for a text without a newline, an empty one too, and a last empty line after a final newline', () => {
    expect(lineIndex('')(0)).toBe(1)
    expect(lineIndex('no newline')(9)).toBe(1)
    expect(lineIndex(new Uint8Array(0))(0)).toBe(1)
    expect(lineAt('x\n', 2)).toBe(2)
    expect(lineAt('\n\n\n', 3)).toBe(4)
  })
})

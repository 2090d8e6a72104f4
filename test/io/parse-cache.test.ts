/**
 * io/parse-cache.ts keeps Prism's parses between runs. An entry answers only for the very key it
 * was stored under (the parse options and the text, byte for byte) and only while its bytes are
 * as written; anything else is a miss, which costs a parse and is never a wrong answer.
 */
import {mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {parseCache, parseCacheDir} from '../../src/io/parse-cache.js'

const work = mkdtempSync(join(tmpdir(), 'conncalc-parse-cache-test-'))
afterAll(() => rmSync(work, {force: true, recursive: true}))

const bytes = (text: string) => Buffer.from(text, 'utf8')
const KEY = bytes('{}\0threads 3, 3\n')
const PARSE = bytes('PRISM serialized parse of threads 3, 3')
const entries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.prism'))

describe('the parse cache folder', () => {
  it('is CONNCALC_PARSE_CACHE, else the user cache folder, named for the conncalc version; 0 turns it off', () => {
    expect(parseCacheDir({CONNCALC_PARSE_CACHE: '/x/cache'}, '1.2.3')).toBe(join('/x/cache', 'ruby-parse-1.2.3'))
    expect(parseCacheDir({XDG_CACHE_HOME: '/x/xdg'}, '0.1.0')).toBe(join('/x/xdg', 'conncalc', 'ruby-parse-0.1.0'))
    expect(parseCacheDir({CONNCALC_PARSE_CACHE: '/x/cache', XDG_CACHE_HOME: '/x/xdg'}, '0.1.0')).toBe(join('/x/cache', 'ruby-parse-0.1.0'))
    for (const off of ['0', 'false', 'off']) expect(parseCacheDir({CONNCALC_PARSE_CACHE: off, XDG_CACHE_HOME: '/x/xdg'}, '0.1.0')).toBeUndefined()
    // A version is a folder name, never a path.
    expect(parseCacheDir({CONNCALC_PARSE_CACHE: '/x'}, '../1')).toBe(join('/x', 'ruby-parse-.._1'))
  })
})

describe('an entry', () => {
  it('answers the key it was stored under with the bytes stored', () => {
    const dir = join(work, 'plain')
    const store = parseCache(dir)
    expect(store.get(KEY)).toBeUndefined()
    store.set(KEY, PARSE)
    expect(entries(dir)).toHaveLength(1)
    expect(Buffer.from(store.get(KEY)!).equals(PARSE)).toBe(true)
    // Another process (a later run) reads the same answer from the folder.
    expect(Buffer.from(parseCache(dir).get(KEY)!).equals(PARSE)).toBe(true)
  })

  it('does not answer a text that differs by one byte, or the same text parsed with other options', () => {
    const dir = join(work, 'other-keys')
    const store = parseCache(dir)
    store.set(KEY, PARSE)
    expect(store.get(bytes('{}\0threads 4, 4\n'))).toBeUndefined()
    expect(store.get(bytes('{}\0threads 3, 3\n\n'))).toBeUndefined()
    expect(store.get(bytes('{"scopes":[["x"]]}\0threads 3, 3\n'))).toBeUndefined()
  })

  it('is found for the same bytes wherever they lie in memory (the hash reads 4-byte words)', () => {
    const dir = join(work, 'offsets')
    const at = (offset: number, of: Buffer) => {
      const copy = Buffer.alloc(of.length + offset + 3)
      of.copy(copy, offset)
      return copy.subarray(offset, offset + of.length)
    }

    parseCache(dir).set(at(1, KEY), at(3, PARSE))
    for (const offset of [0, 1, 2, 3]) expect(Buffer.from(parseCache(dir).get(at(offset, KEY))!).equals(PARSE)).toBe(true)
    expect(entries(dir)).toHaveLength(1)
  })

  it('is a miss when any one byte of the parse or of the stored key changed (words and the last bytes alike)', () => {
    const dir = join(work, 'each-byte')
    const store = parseCache(dir)
    store.set(KEY, PARSE)
    const [name] = entries(dir)
    const written = readFileSync(join(dir, name))
    const parseAt = written.length - PARSE.length
    for (const i of [0, 1, 5, PARSE.length - 5, PARSE.length - 2, PARSE.length - 1]) {
      const damaged = Buffer.from(written)
      damaged[parseAt + i] ^= 0x40
      writeFileSync(join(dir, name), damaged)
      expect(store.get(KEY)).toBeUndefined()
    }

    writeFileSync(join(dir, name), written)
    expect(Buffer.from(store.get(KEY)!).equals(PARSE)).toBe(true)
  })

  it('found under its name but stored for another key (a hash collision), is not used', () => {
    const dir = join(work, 'collision')
    const store = parseCache(dir)
    store.set(KEY, PARSE)
    const [name] = entries(dir)
    const other = bytes('{}\0threads 9, 9\n') // as long as KEY: only the bytes differ
    const stored = readFileSync(join(dir, name))
    // The entry's file rewritten as if `other` hashed to the same name.
    const at = stored.indexOf(KEY)
    writeFileSync(join(dir, name), Buffer.concat([stored.subarray(0, at), other, stored.subarray(at + other.length)]))
    expect(store.get(KEY)).toBeUndefined()
  })

  it.each([
    ['a byte of the parse changed', (b: Buffer) => Buffer.concat([b.subarray(0, -1), Buffer.from([b.at(-1)! ^ 1])])],
    ['cut short', (b: Buffer) => b.subarray(0, b.length - 3)],
    ['longer than written', (b: Buffer) => Buffer.concat([b, Buffer.from('x')])],
    ['not an entry at all', () => Buffer.from('not a conncalc parse')],
    ['empty', () => Buffer.alloc(0)],
  ])('damaged on disk (%s), is a miss', (_, damage) => {
    const dir = join(work, `damaged-${_.replaceAll(/\W/g, '-')}`)
    const store = parseCache(dir)
    store.set(KEY, PARSE)
    const [name] = entries(dir)
    writeFileSync(join(dir, name), damage(readFileSync(join(dir, name))))
    expect(store.get(KEY)).toBeUndefined()
    // Stored again, it answers again.
    store.set(KEY, PARSE)
    expect(Buffer.from(store.get(KEY)!).equals(PARSE)).toBe(true)
  })

  it('cannot be written where the folder cannot be made: nothing is thrown and nothing answers', () => {
    const blocked = join(work, 'blocked')
    writeFileSync(blocked, 'a file where the folder would be')
    const store = parseCache(join(blocked, 'ruby-parse-0.1.0'))
    expect(() => store.set(KEY, PARSE)).not.toThrow()
    expect(store.get(KEY)).toBeUndefined()
  })
})

describe('entries not written for 30 days', () => {
  it('are removed by the next run that writes one; newer ones stay; at most one check a day', () => {
    const dir = join(work, 'prune')
    const store = parseCache(dir)
    store.set(KEY, PARSE)
    const [old] = entries(dir)
    const monthAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000)
    utimesSync(join(dir, old), monthAgo, monthAgo)
    // Checked today already (the first write made the .pruned mark): the old entry stays.
    parseCache(dir).set(bytes('{}\0a\n'), PARSE)
    expect(entries(dir)).toContain(old)
    // The mark a day old: the next run that writes removes it and keeps the new ones.
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000)
    utimesSync(join(dir, '.pruned'), dayAgo, dayAgo)
    parseCache(dir).set(bytes('{}\0b\n'), PARSE)
    expect(entries(dir)).not.toContain(old)
    expect(entries(dir)).toHaveLength(2)
  })
})

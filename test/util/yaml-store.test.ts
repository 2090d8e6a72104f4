import {describe, expect, it} from 'vitest'

import type {ParseStore} from '../../src/util/parse-store.js'

import {parseYaml, useYamlStore} from '../../src/util/yaml.js'

/** An in-memory store that counts what it answers (the parse cache keeps the same bytes on disk). */
function memoryStore(): ParseStore & {hits: number; size: () => number} {
  const entries = new Map<string, Uint8Array>()
  const store = {
    get(key: Uint8Array) {
      const found = entries.get(Buffer.from(key).toString('latin1'))
      if (found) store.hits++
      return found
    },
    hits: 0,
    set(key: Uint8Array, value: Uint8Array) {
      entries.set(Buffer.from(key).toString('latin1'), value)
    },
    size: () => entries.size,
  }
  return store
}

// parseYaml keeps each (file, text) for the process: a new file name each time asks the store.
let n = 0
const parseFresh = (text: string) => parseYaml(text, `config/file-${++n}.yml`)

const DATABASE_YML = `default: &default
  adapter: postgresql
  pool: 7

production:
  <<: *default
  database: shop
  queues:
    - critical
    - default
`

describe('YAML parses kept between runs', () => {
  it('a stored parse answers with the same value and the same key lines, merged keys included', () => {
    useYamlStore(undefined)
    const uncached = parseFresh(DATABASE_YML)
    const store = memoryStore()
    useYamlStore(store)
    try {
      parseFresh(DATABASE_YML) // parsed and stored
      expect(store.size()).toBe(1)
      const stored = parseFresh(DATABASE_YML)
      expect(store.hits).toBe(1)
      expect(stored.value).toEqual(uncached.value)
      expect(stored.value).toEqual({default: {adapter: 'postgresql', pool: 7}, production: {adapter: 'postgresql', database: 'shop', pool: 7, queues: ['critical', 'default']}})
      // `pool` in production comes through `<<: *default`: the line it is written on, 3.
      expect(stored.lineOf(['production', 'pool'])).toBe(3)
      expect(stored.lineOf(['production', 'database'])).toBe(7)
      expect(stored.lineOf(['production', 'queues', 1])).toBe(10)
      for (const path of [['production', 'pool'], ['production', 'database'], ['production', 'queues', 1], ['production', 'prepared_statements'], ['production', 'queues', 5], ['production', 'queues', '1'], ['default']]) {
        expect(stored.lineOf(path)).toBe(uncached.lineOf(path))
      }

      expect(stored.duplicateKeys()).toEqual([])
    } finally {
      useYamlStore(undefined)
    }
  })

  it('duplicate keys are still found on a stored parse', () => {
    const text = 'web:\n  pool: 5\n  pool: 9\n'
    const store = memoryStore()
    useYamlStore(store)
    try {
      parseFresh(text)
      const stored = parseFresh(text)
      expect(store.hits).toBe(1)
      expect(stored.value).toEqual({web: {pool: 9}})
      expect(stored.duplicateKeys()).toEqual([{first: 2, key: 'pool', line: 3}])
    } finally {
      useYamlStore(undefined)
    }
  })

  it('what JSON would not keep as it is, and what did not parse, is not stored', () => {
    const store = memoryStore()
    useYamlStore(store)
    try {
      expect(Number.isNaN((parseFresh('pool: .nan\n').value as {pool: number}).pool)).toBe(true)
      expect(parseFresh('a: &x [1]\nb: *x\n').value).toEqual({a: [1], b: [1]})
      expect(parseFresh('pool: [1\n').errors.length).toBe(1)
      expect(store.size()).toBe(0)
    } finally {
      useYamlStore(undefined)
    }
  })
})

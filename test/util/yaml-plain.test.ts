import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {readPlainYaml} from '../../src/util/yaml-plain.js'
import {parseYaml} from '../../src/util/yaml.js'
import {compareYaml} from '../helpers/yaml-compare.js'

/** The plain reader takes `text`, and its value and every key's line are the yaml package's. */
function readsAsPackage(text: string): unknown {
  const {accepted, differences} = compareYaml(text)
  expect(accepted).toBe(true)
  expect(differences).toEqual([])
  return readPlainYaml(text)!.value
}

describe('the plain YAML reader', () => {
  it('reads a Rails database.yml: an anchored mapping merged into each section, key lines through the merge', () => {
    const text = `# PostgreSQL
default: &default
  adapter: postgresql
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
  timeout: 5000

development:
  <<: *default
  database: app_development

production:
  <<: *default
  pool: 12
  url: postgres://x:y@host:5432/db?sslmode=require
`
    expect(readsAsPackage(text)).toEqual({
      default: {adapter: 'postgresql', pool: '<%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>', timeout: 5000},
      development: {adapter: 'postgresql', database: 'app_development', pool: '<%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>', timeout: 5000},
      production: {adapter: 'postgresql', pool: 12, timeout: 5000, url: 'postgres://x:y@host:5432/db?sslmode=require'},
    })
    const plain = readPlainYaml(text)!
    expect(plain.lineOf(['development', 'pool'])).toBe(4) // written in `default`, merged
    expect(plain.lineOf(['production', 'pool'])).toBe(13) // the section's own key wins
    expect(plain.lineOf(['production', 'missing'])).toBeUndefined()
  })

  it('reads a sidekiq.yml: a document start, symbol-like keys, a sequence at the key\'s indentation and one indented', () => {
    const text = `---
:concurrency: 5
:queues:
- critical
- [default, 2]
`
    // The flow sequence is the package's.
    expect(readPlainYaml(text)).toBeUndefined()
    const plain = `---
:concurrency: 5
:queues:
- critical
- default
:limits:
    - mailers   # a comment
`
    expect(readsAsPackage(plain)).toEqual({':concurrency': 5, ':limits': ['mailers'], ':queues': ['critical', 'default']})
    expect(readPlainYaml(plain)!.lineOf([':queues', 1])).toBe(5)
  })

  it('reads sequences of mappings written compactly (`- name: web`) and their nested blocks', () => {
    const text = `services:
  - type: web
    name: shop
    envVars:
      - key: WEB_CONCURRENCY
        value: 4
      - key: DATABASE_URL
        fromDatabase:
          name: db
  - type: worker
    name: jobs
`
    expect(readsAsPackage(text)).toEqual({
      services: [
        {envVars: [{key: 'WEB_CONCURRENCY', value: 4}, {fromDatabase: {name: 'db'}, key: 'DATABASE_URL'}], name: 'shop', type: 'web'},
        {name: 'jobs', type: 'worker'},
      ],
    })
    expect(readPlainYaml(text)!.lineOf(['services', 0, 'envVars', 1, 'fromDatabase', 'name'])).toBe(9)
    expect(readPlainYaml(text)!.lineOf(['services', 1])).toBe(10)
  })

  it("types plain scalars by YAML 1.2's core schema, as the package does (yes and on stay strings)", () => {
    const text = `a: yes
b: on
c: 0o17
d: 017
e: 0x1F
f: 1.50
g: .inf
h: -.Inf
i: ~
j: Null
k: TRUE
l: False
m: 1e3
n: +12
o: 12:30
p: 1_000
q: "007"
r: 'it''s'
s:
t: 3.
u: nULL
`
    expect(readsAsPackage(text)).toEqual({a: 'yes', b: 'on', c: 15, d: 17, e: 31, f: 1.5, g: Number.POSITIVE_INFINITY, h: Number.NEGATIVE_INFINITY, i: null, j: null, k: true, l: false, m: 1000, n: 12, o: '12:30', p: '1_000', q: '007', r: "it's", s: null, t: 3, u: 'nULL'})
    expect(Number.isNaN((readsAsPackage('x: .nan\n') as {x: number}).x)).toBe(true)
  })

  it('keeps comments out of values, and # inside a word or quotes in them', () => {
    expect(readsAsPackage('a: one # two\nb: x#y\nc: "# not a comment"  # a comment\nd:    # nothing\n')).toEqual({a: 'one', b: 'x#y', c: '# not a comment', d: null})
  })

  it('orders keys as the package does: integer keys first, a key written after a merge overrides it in place', () => {
    expect(readsAsPackage('b: 1\n404: x\na: 2\n1: y\n')).toEqual({1: 'y', 404: 'x', a: 2, b: 1})
    const merged = readsAsPackage('base: &base\n  x: 1\n  y: 2\nchild:\n  y: 3\n  <<: *base\n  z: 4\n  x: 5\n') as {child: object}
    expect(Object.entries(merged.child)).toEqual([['y', 3], ['x', 5], ['z', 4]])
  })

  it('reads a merge of an anchored mapping that itself merges, and a merge of a mapping written below the key', () => {
    expect(readsAsPackage('a: &a\n  x: 1\nb: &b\n  <<: *a\n  y: 2\nc:\n  <<: *b\n  z: 3\nd:\n  <<:\n    w: 0\n  v: 1\n')).toEqual({a: {x: 1}, b: {x: 1, y: 2}, c: {x: 1, y: 2, z: 3}, d: {v: 1, w: 0}})
  })

  it('reads a top-level sequence and an indented top-level mapping', () => {
    expect(readsAsPackage('- a\n- b: 1\n  c: 2\n- 3\n')).toEqual(['a', {b: 1, c: 2}, 3])
    expect(readsAsPackage('  a: 1\n  b: 2\n')).toEqual({a: 1, b: 2})
  })

  it.each([
    ['an alias as a value (the package shares one object)', 'a: &a\n  x: 1\nb: *a\n'],
    ['an anchor on a scalar', 'a: &a 1\nb: 2\n'],
    ['an anchor on a sequence', 'a: &a\n  - 1\n'],
    ['an alias before its anchor', 'b:\n  <<: *a\na: &a\n  x: 1\n'],
    ['an anchor defined twice', 'a: &a\n  x: 1\nb: &a\n  y: 1\n'],
    ['a merge of a scalar (the package throws)', 'a:\n  <<: 1\n'],
    ['two merges in one mapping', 'a: &a\n  x: 1\nb: &b\n  y: 1\nc:\n  <<: *a\n  <<: *b\n'],
    ['a digit key beside a merge', 'a: &a\n  1: x\nb:\n  <<: *a\n  2: y\n'],
    ['a flow sequence', 'a: [1, 2]\n'],
    ['a flow mapping', 'a: {}\n'],
    ['a literal block scalar', 'a: |\n  text\n'],
    ['a folded block scalar', 'a: >-\n  text\n'],
    ['a tag', 'a: !ruby/symbol x\n'],
    ['a double-quoted scalar with an escape', 'a: "x\\ty"\n'],
    ['a quoted scalar over two lines', 'a: "x\n  y"\n'],
    ['a plain scalar over two lines', 'a: x\n  y\n'],
    ['a key written twice', 'a: 1\na: 2\n'],
    ['a key written twice as a number and a string', '1: x\n"1": y\n'],
    ['a boolean key', 'true: 1\n'],
    ['a null key', '~: 1\n'],
    ['a key with a leading zero', '007: 1\n'],
    ['a float key', '1.5: x\n'],
    ['a __proto__ key', '__proto__: 1\n'],
    ['a quoted merge key', '"<<": 1\n'],
    ['a complex key', '? a\n: b\n'],
    ['a tab', 'a:\t1\n'],
    ['a carriage return', 'a: 1\r\nb: 2\r\n'],
    ['a byte order mark', '\ufeffa: 1\n'],
    ['a directive', '%YAML 1.1\n---\na: yes\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a document end', 'a: 1\n...\n'],
    ['content on the document start line', '--- a: 1\n'],
    ['an empty document', '# only a comment\n'],
    ['a scalar document', 'just text\n'],
    ['a value with ": " in it', 'a: b: c\n'],
    ['a value ending with ":"', 'a: b:\n'],
    ['a key with a space before its colon', 'a : 1\n'],
    ['a key and value with no space after the colon', 'a:1\n'],
    ['an empty sequence item', 'a:\n  -\n  - x\n'],
    ['a nested compact sequence', '- - x\n'],
    ['a line indented deeper than its mapping', 'a: 1\n   b: 2\n'],
    ['a reserved indicator', 'a: @x\n'],
  ])('leaves %s to the yaml package', (_, text) => {
    expect(readPlainYaml(text)).toBeUndefined()
  })

  it("reads every .yml and .yaml fixture it takes as the package does (and takes most of them)", () => {
    const files: string[] = []
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, {withFileTypes: true})) {
        const path = join(dir, e.name)
        if (e.isDirectory()) walk(path)
        else if (/\.ya?ml$/i.test(e.name)) files.push(path)
      }
    }

    walk('test/fixtures')
    walk('examples')
    let accepted = 0
    for (const file of files) {
      const {accepted: took, differences} = compareYaml(readFileSync(file, 'utf8'))
      expect(differences, file).toEqual([])
      if (took) accepted++
    }

    expect(files.length).toBeGreaterThan(100)
    expect(accepted).toBeGreaterThan(files.length * 0.8)
  })

  it('is what parseYaml answers with for text it takes; text it leaves is still the package\'s, errors included', () => {
    const plain = parseYaml('pool: 5\nqueues:\n  - a\n', 'config/plain-1.yml')
    expect(plain.value).toEqual({pool: 5, queues: ['a']})
    expect(plain.lineOf(['queues', 0])).toBe(3)
    expect(plain.errors).toEqual([])
    const invalid = parseYaml('pool: [5\n', 'config/plain-2.yml')
    expect(invalid.value).toBeUndefined()
    expect(invalid.diagnostics.map((d) => d.code)).toEqual(['unparsable-config'])
    expect(parseYaml('a: [1, 2]\n', 'config/plain-3.yml').value).toEqual({a: [1, 2]})
  })
})

describe('a key written twice in one mapping', () => {
  it('is its last writing, line included, as the value is (education/classroom: an anchor section, then the section again)', () => {
    const text = `default: &default
  adapter: postgresql
  pool: 7

production: &production
  url: postgres://db.example.com/app

production:
  <<: *default
  <<: *production
`
    const r = parseYaml(text, 'config/database-twice.yml')
    expect(r.value).toEqual({default: {adapter: 'postgresql', pool: 7}, production: {adapter: 'postgresql', pool: 7, url: 'postgres://db.example.com/app'}})
    // Before, the first `production:` (line 5) was searched: no pool there, so no line for it.
    expect(r.lineOf(['production', 'pool'])).toBe(3)
    expect(r.lineOf(['production', 'url'])).toBe(6)
    expect(r.lineOf(['production'])).toBe(8)
  })
})

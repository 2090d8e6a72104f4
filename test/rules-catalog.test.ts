import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect, it} from 'vitest'

import {rules} from '../src/rules/index.js'

const SRC = fileURLToPath(new URL('../src', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

it('every rule module is listed, with a code equal to its file name', () => {
  // limit-label.ts is a helper for rule messages, not a rule.
  const files = readdirSync(join(SRC, 'rules')).filter((f) => !['index.ts', 'limit-label.ts', 'types.ts'].includes(f)).map((f) => f.replace(/\.ts$/, ''))
  expect(rules.map((r) => r.code).sort()).toEqual(files.sort())
})

it('every diagnostic code the analyzers emit has a rule module', () => {
  const codes = new Set(rules.map((r) => r.code))
  const emitted = new Set(sources(SRC).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/code: '([a-z-]+)'/g)].map((m) => m[1])))
  expect([...emitted].filter((c) => !codes.has(c))).toEqual([])
})

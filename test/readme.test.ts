import {readdirSync, readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {rules} from '../src/rules/index.js'
import {runCli} from './helpers/cli.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

function section(code: string): string | undefined {
  const start = readme.indexOf(`### \`${code}\``)
  if (start === -1) return undefined
  const next = readme.indexOf('\n#', start + 1)
  return readme.slice(start, next === -1 ? undefined : next)
}

describe('README', () => {
  it('shows the install-and-run command and the test command', () => {
    expect(readme).toContain('npm ci && npx conncalc plan --procfile examples/rails/Procfile --plan essential-0 --scale web=2 worker=1')
    expect(readme).toMatch(/```sh\nnpm test\n```/)
  })

  it('prints what the quick-start command really prints', () => {
    const start = readme.indexOf('```\nconncalc plan examples/rails/Procfile')
    expect(start).toBeGreaterThan(-1)
    const block = readme.slice(start + 4, readme.indexOf('```', start + 4))
    const r = runCli(['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(block)
  })

  for (const rule of rules) {
    it(`documents ${rule.code} with a failing and a passing example`, () => {
      const text = section(rule.code)
      expect(text, `README.md needs a "### \`${rule.code}\`" section`).toBeDefined()
      expect(text).toContain(rule.severity)
      expect(text).toMatch(/Fails:/)
      expect(text).toMatch(/Passes:/)
    })
  }

  it('every rule module is registered, and its code is its file name', async () => {
    const files = readdirSync(new URL('../src/rules', import.meta.url)).filter((f) => !['index.ts', 'types.ts', 'limit-label.ts'].includes(f))
    const codes = rules.map((r) => r.code).sort()
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(codes)
    for (const f of files) {
      const mod = (await import(`../src/rules/${f.replace(/\.ts$/, '.js')}`)) as {rule: {code: string}}
      expect(mod.rule.code).toBe(f.replace(/\.ts$/, ''))
    }
  })

  it('every diagnostic code the analyzers emit has a rule module', () => {
    const codes = new Set(rules.map((r) => r.code))
    const walk = (dir: URL): string[] =>
      readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(new URL(`${e.name}/`, dir)) : e.name.endsWith('.ts') ? [readFileSync(new URL(e.name, dir), 'utf8')] : []))
    const emitted = walk(new URL('../src/', import.meta.url)).flatMap((src) => [...src.matchAll(/\bcode: '([a-z][a-z0-9-]*)'/g)].map((m) => m[1]))
    expect(emitted.length).toBeGreaterThan(10)
    for (const code of emitted) expect(codes, `no rule module for "${code}"`).toContain(code)
  })
})

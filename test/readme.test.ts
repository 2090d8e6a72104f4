import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {commands} from '../src/commands/index.js'
import {rules} from '../src/rules/index.js'
import {ROOT, runCli, runCliInProcess} from './helpers/cli.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

function section(code: string): string | undefined {
  const start = readme.indexOf(`### \`${code}\``)
  if (start === -1) return undefined
  const next = readme.indexOf('\n#', start + 1)
  return readme.slice(start, next === -1 ? undefined : next)
}

/** The README's ``` blocks that show a run: `$ conncalc ARGS` on the first line, then what it prints. */
function shownRuns(): {args: string[]; at: number; shown: string[]}[] {
  return [...readme.matchAll(/```\n\$ conncalc ([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({
    args: m[1].trim().split(/\s+/).filter(Boolean),
    at: m.index,
    shown: m[2].replace(/\n$/, '').split('\n'),
  }))
}

/**
 * Whether `shown` is what `output` prints, with `…` for what the README leaves out:
 * the lines between two `…` lines appear together and in order; a line ending in `…`
 * stands for any line it starts.
 */
function showsOutput(shown: string[], output: string): boolean {
  const lines = output.split('\n')
  const same = (want: string, got: string): boolean => (want.endsWith('…') ? got.startsWith(want.slice(0, -1)) : got === want)
  const chunks: string[][] = [[]]
  for (const line of shown) {
    if (line === '…') chunks.push([])
    else chunks.at(-1)!.push(line)
  }

  let from = 0
  for (const chunk of chunks.filter((c) => c.length > 0)) {
    let found = -1
    for (let i = from; i + chunk.length <= lines.length && found === -1; i++) if (chunk.every((w, k) => same(w, lines[i + k]))) found = i
    if (found === -1) return false
    from = found + chunk.length
  }

  return true
}

const temps: string[] = []
afterAll(() => {
  for (const t of temps) rmSync(t, {force: true, recursive: true})
})

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

  it('has runs to check: every `$ conncalc …` example', () => {
    expect(shownRuns().length).toBeGreaterThanOrEqual(4)
  })

  for (const run of shownRuns()) {
    it(`\`conncalc ${run.args.join(' ')}\` prints what the README shows`, () => {
      let cwd = ROOT
      if (!run.args.includes('--procfile')) {
        // Runs without --procfile read the config file shown just above, in a folder of its own;
        // each app it names is a copy of examples/rails.
        const yaml = [...readme.slice(0, run.at).matchAll(/```yaml\n(# conncalc\.yml[^\n]*\n[\s\S]*?)```/g)].at(-1)![1]
        cwd = mkdtempSync(join(tmpdir(), 'conncalc-readme-'))
        temps.push(cwd)
        writeFileSync(join(cwd, 'conncalc.yml'), yaml)
        for (const m of yaml.matchAll(/procfile: (\S+)\/Procfile/g)) cpSync(join(ROOT, 'examples/rails'), join(cwd, m[1]), {recursive: true})
      }

      const r = runCliInProcess(run.args, {cwd})
      expect(r.stderr).toBe('')
      expect(showsOutput(run.shown, r.stdout), `README shows:\n${run.shown.join('\n')}\n\nthe command prints:\n${r.stdout}`).toBe(true)
    })
  }

  it('--help: every command has examples and every flag a description', () => {
    for (const [name, command] of Object.entries(commands)) {
      expect(command.examples?.length, `${name} has no examples`).toBeGreaterThan(0)
      for (const [flag, def] of Object.entries(command.flags ?? {})) expect(def.description, `${name} --${flag}`).toBeTruthy()
    }
  })

  // The flag tables of `plan` and `live` list every flag the command takes, and no other.
  for (const name of ['plan', 'live'] as const) {
    it(`the \`conncalc ${name}\` flag table matches its flags`, () => {
      const start = readme.indexOf(`### \`conncalc ${name}\``)
      const text = readme.slice(start, readme.indexOf('\n### ', start + 1))
      const rows = text.split('\n').filter((l) => l.startsWith('| `-'))
      const documented = new Set(rows.flatMap((l) => [...l.split(' | ')[0].matchAll(/--(?:\[no-\])?([a-z][a-z-]*)/g)].map((m) => m[1])))
      const flags = Object.entries(commands[name].flags ?? {}).flatMap(([f, def]) => [f, ...(def.aliases ?? [])])
      expect([...documented].filter((f) => !f.startsWith('no-')).sort()).toEqual([...flags, 'json'].sort())
    })
  }

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
    const files = readdirSync(new URL('../src/rules', import.meta.url)).filter((f) => !['beside.ts', 'index.ts', 'types.ts', 'limit-label.ts'].includes(f))
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

/**
 * oclif's manifest for the standalone command table (`conncalc plan`, `scale` …: flags, arguments,
 * help texts) is made by the build and written into dist/cli.cjs (src/main.ts's
 * STANDALONE_MANIFEST, esbuild.config.js), instead of oclif making it on every run. What is
 * written must be what oclif makes from the same bundle's commands, or help and command lookup
 * would read something else than the commands that run.
 */
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {ROOT, runCli} from '../helpers/cli.js'

/** The manifest written into dist/cli.cjs: the one string literal of JSON that starts with its command table. */
function written(): unknown {
  const bundle = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'latin1')
  const literals = bundle.match(/"\{\\"commands\\":(?:[^"\\]|\\.)*"/g) ?? []
  expect(literals).toHaveLength(1)
  return JSON.parse(JSON.parse(literals[0] ?? '""') as string)
}

/** What oclif makes from dist/cli.cjs's own command table, in a process of its own (undefined properties dropped, as JSON does). */
function made(): unknown {
  const script = `const {resolve} = require('node:path')
const {pathToFileURL} = require('node:url')
const {standaloneManifest} = require('./bin/code-cache.js').loadBundle(resolve('dist/cli.cjs'), {CONNCALC_CODE_CACHE: '0'})
standaloneManifest({dir: pathToFileURL(resolve('bin/run.js')).href, target: './dist/cli.cjs'}).then((m) => process.stdout.write(JSON.stringify(m)))`
  const r = spawnSync(process.execPath, ['-e', script], {cwd: ROOT, encoding: 'utf8', env: {NO_COLOR: '1', PATH: process.env.PATH ?? ''}})
  expect(r.stderr).toBe('')
  return JSON.parse(r.stdout)
}

describe('the standalone manifest written into dist/cli.cjs', () => {
  it('is there, and no placeholder is left', () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'latin1')
    expect(bundle).not.toContain('__CONNCALC_STANDALONE_MANIFEST__')
    const manifest = written() as {commands: Record<string, {flags: Record<string, unknown>}>; version: string}
    expect(Object.keys(manifest.commands).sort()).toEqual(['live', 'plan', 'plans', 'readme', 'rules', 'scale', 'schema'])
    expect(manifest.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version)
    expect(Object.keys(manifest.commands.plan.flags)).toEqual(expect.arrayContaining(['json', 'procfile', 'scale', 'explain', 'suggest']))
  })

  it("is what oclif makes from the bundle's commands", () => {
    expect(written()).toEqual(made())
  })

  it("is what `conncalc plan --help` shows: a flag's description, its options, the command's examples", () => {
    const help = runCli(['plan', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--fail-on=<option>')
    expect(help.stdout).toContain('<options: error|warning>')
    expect(help.stdout).toContain('$ conncalc plan --procfile Procfile --plan essential-0 --scale web=2 worker=1')
    expect(help.stdout).toContain('say what would make it fit')
  })
})

/**
 * conncalc as a Heroku CLI plugin. The Heroku CLI reads package.json's oclif
 * config and oclif.manifest.json, and loads dist/main.js itself: bin/run.js never
 * runs. These tests load the package the same way, with oclif's own runner from
 * the package root (no Heroku CLI: installing it from npm is ~400 MB and minutes).
 */
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {commands, herokuCommands} from '../../src/commands/index.js'
import {ROOT, runCliInProcess} from '../helpers/cli.js'

/** Run a command the way a host CLI does: oclif's run() on the package root, package.json as it is. */
function asPlugin(args: string[]) {
  const script = `import {run} from '@oclif/core'; await run(${JSON.stringify(args)}, ${JSON.stringify(ROOT)})`
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {cwd: ROOT, encoding: 'utf8', env: {COLUMNS: '100', NO_COLOR: '1', PATH: process.env.PATH ?? ''}, timeout: 60_000})
  return {code: r.status, stderr: r.stderr, stdout: r.stdout}
}

describe('the Heroku CLI plugin', () => {
  it('every command is under connections:, and the same command as standalone', () => {
    expect(Object.keys(herokuCommands).sort()).toEqual(Object.keys(commands).map((id) => `connections:${id}`).sort())
    for (const [id, cmd] of Object.entries(commands)) expect(herokuCommands[`connections:${id}` as keyof typeof herokuCommands]).toBe(cmd)
  })

  it('package.json and the manifest (written by npm run build) give the Heroku CLI the connections: table', () => {
    const pjson = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {files: string[]; oclif: {commands: {identifier: string}; topics: Record<string, unknown>}; version: string}
    expect(pjson.oclif.commands.identifier).toBe('herokuCommands')
    expect(Object.keys(pjson.oclif.topics)).toEqual(['connections'])
    expect(pjson.files).toContain('oclif.manifest.json')
    const manifest = JSON.parse(readFileSync(`${ROOT}oclif.manifest.json`, 'utf8')) as {commands: Record<string, unknown>; version: string}
    expect(manifest.version).toBe(pjson.version)
    expect(Object.keys(manifest.commands).sort()).toEqual(Object.keys(herokuCommands).sort())
  })

  it('conncalc\'s dry run is not reachable as a top-level scale (the Heroku CLI\'s alias of ps:scale)', () => {
    const r = asPlugin(['scale', 'web=3'])
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('command scale not found')
  })

  it('connections:plan runs a Rails app (Prism, WASI) with nothing on stderr: the WASI warning is filtered in dist/main.js', () => {
    const r = asPlugin(['connections:plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('web      puma         2          2        3')
  })

  it('standalone conncalc keeps its top-level commands, and help names them as typed', () => {
    const r = runCliInProcess(['scale', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('$ conncalc scale web=10 worker=3 --plan standard-0')
    expect(runCliInProcess(['connections:plan']).stderr).toContain('unknown command "connections:plan"')
    const plugin = asPlugin(['connections:scale', '--help'])
    // Under the host's topic separator: `heroku connections:scale` in the Heroku CLI (':'), spaces here.
    expect(plugin.stdout).toContain('$ conncalc connections scale TYPE=QUANTITY[:SIZE]... [FLAGS]')
    expect(plugin.stdout).toContain('$ conncalc connections scale web=10 worker=3 --plan standard-0')
  })
})

import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {fixture, ROOT, runCli} from '../helpers/cli.js'

/**
 * The GitHub Action (action.yml) as a fresh runner runs it: its steps' shell,
 * as GitHub invokes `shell: bash`, in a checkout of the action that has no
 * node_modules and no dist/, on a Django app in a folder of its own. npm runs
 * offline, from the cache `npm ci` filled on this machine: no network.
 */
interface Step {
  env?: Record<string, string>
  id?: string
  name: string
  run: string
  shell: string
  'working-directory'?: string
}
const action = parse(readFileSync(`${ROOT}action.yml`, 'utf8')) as {inputs: Record<string, {default?: string}>; outputs: Record<string, {value: string}>; runs: {steps: Step[]; using: string}}
const steps = action.runs.steps

let temp: string
let actionPath: string
let workspace: string
afterAll(() => rmSync(temp, {force: true, recursive: true}))

/** `${{ inputs.x }}` in a step's env or working-directory, as GitHub substitutes it. */
function expand(text: string, inputs: Record<string, string>): string {
  return text.replaceAll(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? action.inputs[name]?.default ?? '')
}

let runs = 0
function runStep(step: Step, inputs: Record<string, string>) {
  const n = ++runs
  const summary = join(temp, `summary-${n}.md`)
  const output = join(temp, `output-${n}.txt`)
  const script = join(temp, `step-${n}.sh`)
  writeFileSync(script, step.run)
  const env: Record<string, string> = {
    GITHUB_ACTION_PATH: actionPath,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: workspace,
    HOME: process.env.HOME ?? '',
    NO_COLOR: '1',
    PATH: process.env.PATH ?? '',
    // no network: npm installs from its cache or fails
    npm_config_offline: 'true',
    ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, inputs)])),
  }
  const cwd = join(workspace, expand(step['working-directory'] ?? '.', inputs))
  // GitHub's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`.
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {cwd, encoding: 'utf8', env, timeout: 600_000})
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '')
  return {code: r.status, output: read(output), stderr: r.stderr, stdout: r.stdout, summary: read(summary)}
}

describe('the GitHub Action', () => {
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), 'conncalc-action-'))
    // The action's checkout: the repository's files, as git has them (no node_modules, no dist/).
    actionPath = join(temp, 'action')
    const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {cwd: ROOT, encoding: 'utf8'}).stdout.split('\0').filter(Boolean)
    for (const file of files) {
      if (!existsSync(join(ROOT, file))) continue
      mkdirSync(dirname(join(actionPath, file)), {recursive: true})
      cpSync(join(ROOT, file), join(actionPath, file))
    }

    // The user's repository: a Django app in a subfolder, no package.json anywhere.
    workspace = join(temp, 'workspace')
    cpSync(fixture('django-gunicorn-celery'), join(workspace, 'shop'), {recursive: true})
  })

  it('is a composite action whose scripts never paste inputs into the shell', () => {
    expect(action.runs.using).toBe('composite')
    for (const step of steps) {
      expect(step.shell).toBe('bash')
      expect(step.run, step.name).not.toMatch(/\$\{\{/)
    }
  })

  it('installs conncalc into its own checkout on a fresh runner, offline, and runs plan on a Django app', () => {
    const [install, run] = steps
    const installed = runStep(install, {})
    expect(installed.stderr).not.toMatch(/npm (error|ERR)/)
    expect(installed.code).toBe(0)
    expect(installed.stdout).toMatch(/^conncalc\/\d+\.\d+\.\d+ /m)
    expect(existsSync(join(actionPath, 'dist/main.js'))).toBe(true)

    const args = 'plan --plan essential-0 --scale web=2 worker=1'
    const r = runStep(run, {args, 'working-directory': 'shop'})
    // What the action writes is what conncalc prints for the same command in that folder.
    const direct = runCli([...args.split(' '), '--format', 'markdown'], {cwd: join(workspace, 'shop'), env: {GITHUB_ACTIONS: 'true'}})
    expect(direct.stdout).toMatch(/^## conncalc: \d+ of 20 connections/)
    expect(r.summary).toBe(direct.stdout)
    expect(r.stdout).toBe(direct.stdout)
    expect(r.code).toBe(direct.code)
    expect(r.output).toBe(`exit-code=${direct.code}\n`)
    // The diagnostics annotate the files: workflow commands on standard error.
    expect(r.stderr).toBe(direct.stderr)
    expect(r.stderr).toMatch(/^::(warning|error|notice) /m)
    // Nothing was added to the app.
    expect(readdirSync(workspace)).toEqual(['shop'])
    expect(existsSync(join(workspace, 'shop', 'package.json'))).toBe(false)
    expect(existsSync(join(workspace, 'shop', 'node_modules'))).toBe(false)
  }, 600_000)

  it('a command that fails still reports its exit code as an output and fails the step', () => {
    const r = runStep(steps[1], {args: 'plan --plan nope', 'working-directory': 'shop'})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('conncalc: unknown plan "nope"')
    expect(r.output).toBe('exit-code=2\n')
  })

  it('other commands print as in a terminal and write no summary', () => {
    const r = runStep(steps[1], {args: 'rules', 'working-directory': '.'})
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^code +severity +summary$/m)
    expect(r.summary).toBe('')
  })
})

import type {JsonProcessType, JsonReport} from '../../src/model/report.js'
import {spawn, spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

export interface CliResult {
  code: null | number
  stderr: string
  stdout: string
}

/** Run bin/run.js as a user would, colour off and a fixed width so output is byte-stable. */
export function runCli(args: string[], options: {cwd?: string; env?: Record<string, string>; input?: string} = {}): CliResult {
  const env: Record<string, string> = {COLUMNS: '100', NO_COLOR: '1', PATH: process.env.PATH ?? ''}
  // `node -- bin/run.js` as the shebang runs it (see bin/run.js).
  const r = spawnSync(process.execPath, ['--', `${ROOT}bin/run.js`, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: {...env, ...options.env},
    input: options.input ?? '',
    maxBuffer: 1 << 30, // large reports: spawnSync's 1 MiB default would kill the child
    timeout: 60_000,
  })
  return {code: r.status, stderr: r.stderr, stdout: r.stdout}
}

/**
 * runCli without blocking this process: for tests whose server (a fake Heroku
 * API) runs in the test process and must answer while conncalc waits.
 */
export function runCliAsync(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}): Promise<CliResult> {
  const env: Record<string, string> = {COLUMNS: '100', NO_COLOR: '1', PATH: process.env.PATH ?? ''}
  return spawnNode(['--', `${ROOT}bin/run.js`, ...args], {cwd: options.cwd ?? ROOT, env: {...env, ...options.env}})
}

/** `node NODE_ARGS` with exactly `env`, its output collected, without blocking this process (60 s bound). */
export function spawnNode(nodeArgs: string[], options: {cwd: string; env: Record<string, string>}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stderr, stdout}))
  })
}

/** `conncalc … --json`, parsed. */
export function runJson<T = Record<string, unknown>>(args: string[], options: Parameters<typeof runCli>[1] = {}): CliResult & {json: T} {
  const r = runCli([...args, '--json'], options)
  let json: T
  try {
    json = JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }

  return {...r, json}
}

/** Sources as JSON gives them, loose enough to read any field in a test. */
export interface LooseSource {
  file?: string
  flag?: string
  from?: string
  kind: string
  line?: number
  name?: string
  what?: string
  why?: string
}
export interface LooseSourced {
  source: LooseSource
  value: unknown
  via?: LooseSource[]
}
export type PlanRow = Omit<JsonProcessType, 'sources'> & {sources: Record<string, LooseSourced>}
export type PlanJson = Omit<JsonReport, 'processTypes'> & {processTypes: PlanRow[]}

/**
 * `conncalc plan --procfile PROCFILE … --json` for a fixture app that must run
 * cleanly (nothing on stderr, exit 0 or 1), with a lookup by process type and
 * the diagnostic codes.
 */
export function planJson(procfile: string, args: string[] = []): PlanJson & {codes: string[]; exit: null | number; type: (name: string) => PlanRow} {
  const {code, json, stderr} = runJson<PlanJson>(['plan', '--procfile', procfile, ...args])
  if (stderr !== '' || (code !== 0 && code !== 1)) throw new Error(`conncalc plan exited ${code}:\n${stderr}`)
  return {
    ...json,
    codes: json.diagnostics.map((d) => d.code),
    exit: code,
    type(name) {
      const row = json.processTypes.find((p) => p.name === name)
      if (!row) throw new Error(`no process type ${name} in ${json.processTypes.map((p) => p.name).join(', ')}`)
      return row
    },
  }
}

/** A fixture app's Procfile: `app` is a folder under test/fixtures, or a Procfile path in one. */
export const procfileOf = (app: string): string => (/Procfile[^/]*$/.test(app) ? fixture(app) : `${fixture(app)}/Procfile`)

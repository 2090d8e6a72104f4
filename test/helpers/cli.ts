import {spawnSync} from 'node:child_process'
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
    timeout: 60_000,
  })
  return {code: r.status, stderr: r.stderr, stdout: r.stdout}
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

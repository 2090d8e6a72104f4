import type {JsonProcessType, JsonReport} from '../../src/model/report.js'
import {spawn, spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {MessageChannel, type MessagePort, receiveMessageOnPort, Worker} from 'node:worker_threads'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

export interface CliResult {
  code: null | number
  stderr: string
  stdout: string
}

export interface CliOptions {
  cwd?: string
  env?: Record<string, string>
  input?: string
}

/**
 * The environment a test's conncalc runs with (and nothing else): colour off, a fixed width, so
 * output is byte-stable; no parse cache (io/parse-cache.ts), so every run parses its Ruby files
 * and writes nothing to the user's cache folder (test/cli/parse-cache.test.ts turns it on).
 */
const cliEnv = (env: Record<string, string> = {}): Record<string, string> => ({COLUMNS: '100', CONNCALC_PARSE_CACHE: '0', NO_COLOR: '1', PATH: process.env.PATH ?? '', ...env})

/** Run bin/run.js as a user would, in a process of its own: for what only a real process shows (exit codes, streams, start-up). */
export function runCli(args: string[], options: CliOptions = {}): CliResult {
  // `node -- bin/run.js` as the shebang runs it (see bin/run.js).
  const r = spawnSync(process.execPath, ['--', `${ROOT}bin/run.js`, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: cliEnv(options.env),
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
  return spawnNode(['--', `${ROOT}bin/run.js`, ...args], {cwd: options.cwd ?? ROOT, env: cliEnv(options.env)})
}

let worker: undefined | {flag: Int32Array; port: MessagePort; thread: Worker}

/** What the worker answers a request: the run's result (or why the bundle did not load), tagged with the request's id. */
type Answer = {error?: string; id: number} & CliResult
/** runCliInProcessAsync calls waiting for their answer, by request id. */
const pending = new Map<number, (answer: Answer) => void>()
let requests = 0

/** Hand an answer to the async call that asked for it (none: a sync caller gave up on it at its timeout). */
function deliver(answer: Answer): void {
  pending.get(answer.id)?.(answer)
  pending.delete(answer.id)
}

const result = ({code, error, stderr, stdout}: Answer): CliResult => {
  if (error !== undefined) throw new Error(`conncalc's bundle did not load in the test worker: ${error}`)
  return {code, stderr, stdout}
}

/**
 * runCli without starting a process: the same bundle (dist/cli.cjs) run the way
 * bin/run.js runs it — same argv, exactly the same environment, working directory,
 * standard output and error kept apart, exit code (process.exitCode, or 1 and the
 * stack for an uncaught error) — in a worker thread that loads it once per test
 * file. Each spawned conncalc costs ~0.3 s of CPU before it does anything: tests of
 * what a command computes and prints use this; what only a process shows (exit
 * status as the shell sees it, that the process ends once it has answered, a
 * once-per-process warning, what V8 itself prints on file descriptor 2, TLS roots
 * (NODE_EXTRA_CA_CERTS is read when a process starts), os.homedir() without HOME (it
 * reads the process's own environment), start-up, signals, stdin) stays with runCli.
 * conncalc reads no stdin, so there is none here.
 *
 * The worker runs one request at a time, in order, and tags each answer with its request:
 * a run that an async test left behind when it timed out (test files share the worker:
 * vitest.config.ts isolate: false) is finished and handed to its caller, never taken as the
 * answer to the next request.
 */
export function runCliInProcess(args: string[], options: Omit<CliOptions, 'input'> = {}): CliResult {
  worker ??= startWorker()
  const {flag, port, thread} = worker
  const cwd = process.cwd()
  // A worker thread cannot chdir; it sees this process's working directory.
  process.chdir(options.cwd ?? ROOT)
  const id = ++requests
  const deadline = Date.now() + 60_000
  try {
    Atomics.store(flag, 0, 0)
    port.postMessage({args, env: cliEnv(options.env), id})
    // The worker sets `flag` after each answer it posts.
    for (;;) {
      const left = deadline - Date.now()
      if (left <= 0 || Atomics.wait(flag, 0, 0, left) === 'timed-out') {
        void thread.terminate()
        worker = undefined
        return {code: null, stderr: '', stdout: ''} // as spawnSync reports a run it killed at its timeout
      }

      Atomics.store(flag, 0, 0)
      let answer: Answer | undefined
      while ((answer = receiveMessageOnPort(port)?.message as Answer | undefined) !== undefined) {
        if (answer.id === id) return result(answer)
        deliver(answer)
      }
    }
  } finally {
    process.chdir(cwd)
  }
}

/**
 * runCliInProcess without blocking this process: for tests whose server (a fake Heroku
 * API) runs in the test process and must answer while conncalc waits.
 */
export async function runCliInProcessAsync(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}): Promise<CliResult> {
  worker ??= startWorker()
  const {port} = worker
  const cwd = process.cwd()
  process.chdir(options.cwd ?? ROOT)
  try {
    const id = ++requests
    const answer = new Promise<Answer>((resolve) => pending.set(id, resolve))
    port.postMessage({args, env: cliEnv(options.env), id})
    return result(await answer)
  } finally {
    process.chdir(cwd)
  }
}

function startWorker(): {flag: Int32Array; port: MessagePort; thread: Worker} {
  const flag = new Int32Array(new SharedArrayBuffer(4))
  const {port1, port2} = new MessageChannel()
  // A worker's stack is 4 MB unless told; a process's main thread has V8's ~1 MB, so deep
  // recursion that would overflow for a user must not pass here (1 MB less Node's 192 KB reserve).
  const thread = new Worker(new URL('cli-worker.js', import.meta.url), {resourceLimits: {stackSizeMb: 1}, transferList: [port2], workerData: {flag, port: port2}})
  // The test file's process exits when its tests are done, whatever the worker holds.
  thread.unref()
  port1.on('message', deliver)
  port1.unref()
  return {flag, port: port1, thread}
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

/** `conncalc … --json`, parsed (run in process: runCliInProcess). */
export function runJson<T = Record<string, unknown>>(args: string[], options: Parameters<typeof runCliInProcess>[1] = {}): CliResult & {json: T} {
  const r = runCliInProcess([...args, '--json'], options)
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

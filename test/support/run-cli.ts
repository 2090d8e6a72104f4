import {fileURLToPath} from 'node:url'
import {format} from 'node:util'

const root = fileURLToPath(new URL('../..', import.meta.url))

export interface CliResult {
  exitCode: number
  stderr: string
  stdout: string
}

/**
 * Run a command class in-process, as `conncalc <argv>` would, and capture what a
 * user sees: stdout, stderr and the exit code. (In-process so that the tests run
 * the current sources, not a stale dist/.)
 */
export async function runCli(cmd: {run(argv: string[], root: string): Promise<unknown>}, argv: string[]): Promise<CliResult> {
  const out: string[] = []
  const err: string[] = []
  const stdout = process.stdout.write.bind(process.stdout)
  const stderr = process.stderr.write.bind(process.stderr)
  const {error: consoleError, log: consoleLog} = console
  const saved = process.exitCode
  process.exitCode = undefined
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(String(chunk))
    return true
  }) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(String(chunk))
    return true
  }) as typeof process.stderr.write
  // oclif prints JSON with console.log, which vitest would otherwise intercept.
  console.log = (...args: unknown[]) => out.push(`${format(...args)}\n`)
  console.error = (...args: unknown[]) => err.push(`${format(...args)}\n`)
  let exitCode: number
  try {
    await cmd.run(argv, root)
    exitCode = Number(process.exitCode ?? 0)
  } catch (error) {
    const e = error as {oclif?: {exit?: number}}
    exitCode = e.oclif?.exit ?? Number(process.exitCode ?? 1)
    err.push(String((error as Error).message))
  } finally {
    process.stdout.write = stdout
    process.stderr.write = stderr
    console.log = consoleLog
    console.error = consoleError
    process.exitCode = saved
  }

  return {exitCode, stderr: err.join(''), stdout: out.join('')}
}

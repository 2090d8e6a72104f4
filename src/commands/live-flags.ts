import * as Flags from '@oclif/core/flags'

/** Flags shared by `conncalc live` and `conncalc plan --live`. */
export const liveFlags = {
  'connect-timeout': Flags.integer({default: 5, description: 'seconds to wait for the database to accept the connection', min: 1}),
  'database-url': Flags.string({
    description: 'the database to read: a postgres:// URL, or the name of a variable holding one (default DATABASE_URL, from --env-file or the environment). Its password is never printed',
  }),
  'idle-in-transaction-after': Flags.integer({
    default: 60,
    description: 'report sessions idle inside a transaction for at least this many seconds',
    min: 0,
  }),
  'stale-after': Flags.integer({default: 3600, description: 'report connections idle for at least this many seconds as stale', min: 0}),
  'statement-timeout': Flags.integer({default: 10, description: 'seconds each query may take (statement_timeout of the read-only session)', min: 1}),
}

export interface LiveFlagValues {
  'connect-timeout': number
  'database-url'?: string
  'idle-in-transaction-after': number
  'stale-after': number
  'statement-timeout': number
}

export const liveOptionsFrom = (f: LiveFlagValues, envFiles: string[], warnAt: number) => ({
  connectTimeoutSeconds: f['connect-timeout'],
  databaseUrl: f['database-url'],
  envFiles,
  idleInTransactionSeconds: f['idle-in-transaction-after'],
  staleIdleSeconds: f['stale-after'],
  statementTimeoutSeconds: f['statement-timeout'],
  warnAt,
})

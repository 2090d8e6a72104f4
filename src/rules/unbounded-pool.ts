import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'unbounded-pool',
  emittedBy: 'analyzers (Go database/sql, SQLAlchemy max_overflow=-1, Django over ASGI without a pool or a concurrency limit)',
  severity: 'warning',
  summary: 'The pool has no upper bound, so the count cannot be known: cap it in the app and tell conncalc with --assume TYPE=PROCESSES:THREADS:POOL.',
}

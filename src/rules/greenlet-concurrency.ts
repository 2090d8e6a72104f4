import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'greenlet-concurrency',
  emittedBy: 'gunicorn analyzer',
  severity: 'info',
  summary: 'gevent/eventlet workers run up to worker_connections requests at once; each may hold a connection, so only a pool bounds them.',
}

import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'cpu-count-default',
  emittedBy: 'analyzers (Celery, Dramatiq, gunicorn/throng configs that use cpu_count(), Prisma, pgxpool), and analyze-app for any other server whose processes or threads follow the CPU count (`$(nproc)`, Concurrent.processor_count)',
  severity: 'warning',
  summary: "A process or pool count follows the CPU count, which is 8 on every Standard/Eco/Basic dyno (a shared host), not the dyno's share.",
}

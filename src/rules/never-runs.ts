import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'never-runs',
  emittedBy: 'analyze-app (the shell list of a Procfile line: languages/shell/shell.ts neverRun); languages/ruby/good-job.ts (async GoodJob shut down before fork, never restarted in the workers)',
  severity: 'info',
  summary: 'A command list runs a server or worker in the foreground, which never returns: the commands after it never start (often a `;` meant inside a quoted argument); or GoodJob in async mode is shut down in before_fork and never restarted in the forked workers, so they run no job.',
}

import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'never-runs',
  emittedBy: 'analyze-app (the shell list of a Procfile line: languages/shell/shell.ts neverRun)',
  severity: 'info',
  summary: 'A command list runs a server or worker in the foreground, which never returns: the commands after it never start (often a `;` meant inside a quoted argument).',
}

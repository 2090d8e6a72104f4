import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'missing-config',
  emittedBy: 'analyzers (a config file named by a flag, or a section, is missing)',
  severity: 'error',
  summary: 'A config file the command names does not exist (the server would not boot), or has no section for the environment; or a server started in code is configured so it exits at start.',
}

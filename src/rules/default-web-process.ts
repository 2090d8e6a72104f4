import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'default-web-process',
  emittedBy: 'the Procfile reader (a Procfile with no web type)',
  severity: 'info',
  summary: "The Procfile declares no web type: the last buildpack's default web process runs anyway and is counted (or, when another type serves HTTP, it is not).",
}

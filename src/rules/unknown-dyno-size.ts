import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'unknown-dyno-size',
  emittedBy: 'the app.json and scalingo.json formation readers',
  severity: 'info',
  summary: "app.json's formation names a size that is not a Heroku dyno size (a Scalingo container size such as M, or a typo), or scalingo.json's names a Scalingo container; the size is ignored, the file is still read.",
}

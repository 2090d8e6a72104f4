import type {ServerAnalyzer} from '../languages/common/types.js'

import {fromDefault, sourced} from '../model/source.js'

const ref = 'https://devcenter.heroku.com/articles/release-phase'

/**
 * The Procfile `release` type: one one-off dyno running one command (migrations,
 * typically) before the new release starts. Counted only in deployPeak.
 */
export const release: ServerAnalyzer = {
  analyze: () => ({
    diagnostics: [],
    language: 'unknown',
    processesPerDyno: sourced(1, fromDefault('release phase runs one command in one dyno', ref)),
    server: 'release',
    threadsPerProcess: sourced(1, fromDefault('a release command (e.g. db:migrate) runs on one thread', ref)),
  }),
  id: 'release',
  matches: (_cmd, ctx) => ctx.processType === 'release',
}

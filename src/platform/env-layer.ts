import type {EnvEntry, EnvLayer} from '../model/env.js'
import type {DynoFacts, DynoSizeTable} from './dyno-sizes.js'
import type {DetectedLanguage} from './language.js'

import {layer} from '../model/env.js'
import {assumed, fromDefault, fromDefaultOfType, type Source, uniqueSources} from '../model/source.js'
import {buildpackOn, buildpackWebConcurrency} from './dyno-sizes.js'

/**
 * The lowest env layer: what the language buildpack's .profile.d script sets
 * for this dyno size. Python and Node set WEB_CONCURRENCY (on Fir, Python's CNB
 * sets none); Ruby and PHP write an empty one on purpose (PHP sizes FPM itself at
 * boot); JVM, Go and .NET set none.
 * When the size or the buildpack is a guess, the value is labelled an assumption.
 */
export function platformLayer(table: DynoSizeTable, detected: DetectedLanguage, dyno: DynoFacts): EnvLayer | undefined {
  // A buildpack pinned to a release before its WEB_CONCURRENCY script sets none: the last one that does decides.
  const lang = detected.webConcurrency ? detected.webConcurrency.language : detected.language
  if (lang !== 'python' && lang !== 'nodejs') return undefined
  const wc = buildpackWebConcurrency(table, lang, dyno)
  // Python's Cloud Native Buildpack sets none on Fir: gunicorn and uvicorn then run their own default (1).
  if (!wc) return undefined
  // The size first (as before), then the language, then the size's assumed memory/nproc.
  const guesses = uniqueSources([[dyno.size.source], detected.source ? [detected.source] : [], wc.via ?? []]).flatMap((s) => (s.kind === 'assumed' ? [s.why] : []))
  const what = wc.source.kind === 'default' ? wc.source.what : ''
  const source: Source = guesses.length > 0 ? assumed(`${guesses.join('; ')}: ${what}`) : wc.source
  const buildpack = buildpackOn(table, lang, dyno).buildpack
  // Both scripts export WEB_CONCURRENCY_SET_BY with the value they compute (heroku-buildpack-nodejs
  // profile/WEB_CONCURRENCY.sh:83, heroku-buildpack-python vendor/WEB_CONCURRENCY.sh:79); heroku/php reads it.
  const setBy = {name: 'WEB_CONCURRENCY_SET_BY', source, value: `heroku/${lang}`}
  return layer(`platform (${buildpack} on ${dyno.name})`, [{name: 'WEB_CONCURRENCY', source, value: String(wc.value)}, setBy])
}

/**
 * What the Heroku runtime sets in every dyno: DYNO (`web.1`) and PORT. Code that
 * asks "am I on Heroku?" (`"DYNO" in os.environ`, `ENV["DYNO"]`) then takes the
 * production branch, as it does on the platform. PORT's value is only a stand-in.
 */
export function runtimeLayer(processType: string): EnvLayer {
  return layer('platform (dyno runtime)', [
    {name: 'DYNO', source: fromDefaultOfType(`Heroku sets DYNO in every dyno (${processType}.1 for the first)`, DYNO_VARS), value: `${processType}.1`},
    PORT,
  ])
}

const DYNO_VARS = 'https://devcenter.heroku.com/articles/dynos#local-environment-variables'
/** The same for every type: one frozen entry. */
const PORT: EnvEntry = Object.freeze({name: 'PORT', source: fromDefault('Heroku sets PORT in every web dyno (the number is chosen at boot)', DYNO_VARS), value: '5000'})

/**
 * The Ruby buildpack's default config vars: RAILS_ENV and RACK_ENV (production
 * unless the app sets them), so a Procfile's `-e $RAILS_ENV` has a value.
 */
export function rubyBuildpackLayer(appEnv: string): EnvLayer {
  const source = fromDefault(`the heroku/ruby buildpack sets RAILS_ENV and RACK_ENV (${appEnv}) as default config vars`, 'https://devcenter.heroku.com/articles/ruby-support-reference#environment')
  return layer('platform (heroku/ruby)', ['RAILS_ENV', 'RACK_ENV'].map((name) => ({name, source, value: appEnv})))
}

/**
 * The Node buildpack's default: NODE_ENV=production unless the app sets it
 * (profile/nodejs.sh `export NODE_ENV=${NODE_ENV:-production}`), so
 * `require('./knexfile')[process.env.NODE_ENV || 'development']` reads production.
 */
export function nodeBuildpackLayer(): EnvLayer {
  const source = fromDefault('the heroku/nodejs buildpack sets NODE_ENV=production when the app does not', 'https://devcenter.heroku.com/articles/nodejs-support#runtime-behavior')
  return layer('platform (heroku/nodejs)', [{name: 'NODE_ENV', source, value: 'production'}])
}

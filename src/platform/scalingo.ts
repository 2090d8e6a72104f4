/**
 * Whether the app's files say it is deployed on Scalingo, where its buildpacks'
 * defaults differ from Heroku's (the PHP buildpack's default web process is
 * `bin/run`, PHP-FPM beside nginx, not heroku-php-apache2). Only files Scalingo
 * alone reads count: scalingo.json (its review-app manifest), cron.json (its
 * scheduler's job list, `{"jobs": [{"command": …}]}`), and a Procfile
 * `postdeploy` or `postcompile` type (its deploy hooks; Heroku has `release`).
 */
import type {FileReader} from '../model/files.js'

export interface ScalingoSign {
  file: string
  line: number
  what: string
}

const DOCS = 'https://doc.scalingo.com/platform/app/procfile'

export function scalingoSign(files: FileReader): ScalingoSign | undefined {
  if (files.exists('scalingo.json')) return {file: 'scalingo.json', line: 1, what: 'scalingo.json is Scalingo\'s app manifest'}
  const cron = files.read('cron.json')
  if (cron && /"jobs"\s*:/.test(cron.text)) return {file: cron.path, line: 1, what: "cron.json is Scalingo's scheduler job list"}
  const procfile = files.read('Procfile')
  const lines = procfile?.text.split(/\r?\n/) ?? []
  const hook = lines.findIndex((l) => /^(postdeploy|postcompile)\s*:/.test(l))
  if (procfile && hook !== -1) return {file: procfile.path, line: hook + 1, what: `the Procfile's ${lines[hook].split(':')[0]} type is a Scalingo deploy hook (${DOCS})`}
  return undefined
}

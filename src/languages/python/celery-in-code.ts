/**
 * A script that starts a Celery worker in its own code: `app.worker_main(argv=["worker", "--beat", …])` on the app's
 * Celery instance (celery/app/base.py Celery.worker_main: "Run :program:`celery worker` using argv", through the same
 * click command as `celery -A APP worker …`), or `app.start(argv=["worker", …])` (Celery.start: the `celery` program
 * with argv). The process is that worker, read as `celery -A MODULE ARGV…` (celery.ts). An argv conncalc cannot read
 * whole (a word it computes from what conncalc cannot read, an append under an `if` it cannot decide) is the worker's
 * defaults: its concurrency and whether beat runs beside it are assumptions, said with the reason. A list built by
 * appends, `+=` and extends under decidable conditions (argparse defaults and the process's argv: argparse.ts; env vars
 * with defaults) is read as the list Python builds.
 */
import type {AnalyzerContext, ServerAnalysis} from '../common/types.js'
import type {PyCall, PyModule} from './values.js'

import {assumed, fromDefault, fromFile, type Sourced, sourced} from '../../model/source.js'
import {celery} from './celery.js'

const WORKER_MAIN = 'https://github.com/celery/celery/blob/main/celery/app/base.py'
const CELERY_APP = /^celery(\.app(\.base)?)?\.Celery$/
/** A method of a Celery app instance, as the evaluator names it (`celery.Celery().worker_main`). */
const CELERY_VALUE = /^celery(\.app(\.base)?)?\.Celery\(\)\./

export interface CeleryInCode {
  /** The module `-A` would name: where the app instance is. */
  appModule: string
  call: PyCall
  file: string
  /** The argv's words when every one is known; undefined otherwise. */
  words?: string[]
  /** Otherwise, why not: the reason conncalc gives for the argv, or for its first word it cannot read. */
  unread?: string
}

/** The script's own call that starts a Celery worker on an app (`<module>.<app>.worker_main(…)` or `.start(argv)`). */
export function celeryInCode(own: PyModule, modules: readonly PyModule[], file: string): CeleryInCode | undefined {
  // The script or a module it imports makes a Celery app: `app.worker_main` is that app's.
  const makers = modules.filter((m) => m.calls.some((c) => CELERY_APP.test(c.callee)))
  if (makers.length === 0) return undefined
  const call = own.calls.find((c) => /(^|\.)worker_main$/.test(c.callee) || (/(^|\.)start$/.test(c.callee) && CELERY_VALUE.test(c.callee) && firstWord(c) === 'worker'))
  if (!call || (!CELERY_VALUE.test(call.callee) && !/\.app\.worker_main$|^app\.worker_main$/.test(call.callee))) return undefined
  // The module that makes the app (`app = Celery("transferts")` in transferts/celery_app.py), as `-A` names it: the
  // script's own, else the one it imports, else the only one read.
  const named = (m: PyModule): string => m.file.replace(/\.py$/, '').replace(/\/__init__$/, '').replaceAll('/', '.')
  const maker = makers.find((m) => m === own) ?? makers.find((m) => own.imports.some((i) => i.module === named(m))) ?? (makers.length === 1 ? makers[0] : undefined)
  if (!maker) return undefined
  const appModule = named(maker)
  const argv = argvOf(call)
  const items = argv?.kind === 'known' && argv.value !== null && typeof argv.value === 'object' && !Array.isArray(argv.value) && argv.value.kind === 'list' ? argv.value.items : undefined
  const words = items?.map((i) => (i.kind === 'known' && typeof i.value === 'string' ? i.value : undefined))
  if (words && words.every((w) => w !== undefined)) return {appModule, call, file, words: words as string[]}
  const unreadItem = items?.find((i) => i.kind === 'unknown')
  const unread = argv?.kind === 'unknown' ? argv.reason : unreadItem?.kind === 'unknown' ? unreadItem.reason : undefined
  return {appModule, call, file, ...(unread ? {unread: `${unread} (${argv?.kind === 'unknown' ? argv.file : unreadItem!.file}:${argv?.kind === 'unknown' ? argv.line : unreadItem!.line})`} : {})}
}

const argvOf = (c: PyCall) => c.kwargs.argv ?? c.args[0]
const firstWord = (c: PyCall): string | undefined => {
  const v = argvOf(c)
  const items = v?.kind === 'known' && v.value !== null && typeof v.value === 'object' && !Array.isArray(v.value) && v.value.kind === 'list' ? v.value.items : undefined
  const first = items?.[0]
  return first?.kind === 'known' && typeof first.value === 'string' ? first.value : undefined
}

/** The worker the script runs, as `celery -A MODULE worker …` with the call's argv; its defaults assumed when the argv is not read. */
export async function celeryInCodeAnalysis(ctx: AnalyzerContext, found: CeleryInCode): Promise<ServerAnalysis> {
  const {call, file} = found
  const words = found.words ? (found.words[0] === 'worker' ? found.words : ['worker', ...found.words]) : ['worker']
  const argv = ['celery', '-A', found.appModule, ...words]
  const analysis = await celery.analyze({...ctx, command: {...ctx.command, argv, raw: argv.join(' ')}})
  const started = `${file}:${call.line} starts a Celery worker in code (${call.callee.split('.').slice(-2).join('.')}), as \`${argv.join(' ')}\` would`
  if (found.words) {
    const via = (s: Sourced<number>): Sourced<number> => ({...s, via: [...(s.via ?? []), fromFile(file, call.line), fromDefault(started, WORKER_MAIN)]})
    return {...analysis, processesPerDyno: via(analysis.processesPerDyno), server: 'celery'}
  }

  const why = `${started}; its argv is built in code conncalc does not read${found.unread ? ` (${found.unread})` : ''}, so the worker's defaults are used: its concurrency (-c) and whether beat runs beside it (--beat) are not known`
  const star = (s: Sourced<number>): Sourced<number> => sourced(s.value, assumed(why), [s.source, ...(s.via ?? []), fromDefault(started, WORKER_MAIN)])
  return {
    ...analysis,
    diagnostics: [
      ...analysis.diagnostics,
      {code: 'unknown-config-value', file, fix: `say how many worker processes run: --assume ${ctx.processType}=PROCESSES:THREADS (add one for beat when it runs with the worker)`, line: call.line, message: `${ctx.processType}: ${why}`, processType: ctx.processType, severity: 'warning'},
    ],
    processesPerDyno: star(analysis.processesPerDyno),
    server: 'celery',
  }
}

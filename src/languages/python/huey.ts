/**
 * Huey's Django consumers: `manage.py run_huey` (huey.contrib.djhuey) and django-huey's `manage.py djangohuey
 * --queue NAME`. Each starts one consumer: `workers` workers (default 1) of `worker_type` (default thread):
 * threads or greenlets in one process, or that many processes of one thread (worker_type process). The options
 * come from settings.HUEY["consumer"] (djhuey; HUEY may also be a Huey instance, with no consumer options) or
 * settings.DJANGO_HUEY["queues"][NAME]["consumer"] (django-huey, NAME the --queue or DJANGO_HUEY["default"]),
 * then the command line (-w/--workers, -k/--worker-type) over them.
 * huey@2.5.2 huey/consumer_options.py config_defaults (workers 1, worker_type thread), OptionParserHandler;
 * huey/contrib/djhuey/management/commands/run_huey.py; django-huey@1.0.1 (DJANGO_HUEY and djangohuey since 1.0.0, CHANGELOG.md) django_huey/management/commands/djangohuey.py.
 * The consumer's scheduler thread only enqueues periodic tasks: it runs none, so it is not counted.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {EvalValue} from './values.js'

import {assumed, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {asString, entry, isDict} from './evaluate.js'
import {findFlag, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {pyCandidate} from './candidate.js'
import {append} from '../../util/arrays.js'

const OPTIONS = 'https://github.com/coleifer/huey/blob/2.5.2/huey/consumer_options.py'
const RUN_HUEY = 'https://github.com/coleifer/huey/blob/2.5.2/huey/contrib/djhuey/management/commands/run_huey.py'
const DJANGOHUEY = 'https://github.com/gaiacoop/django-huey/blob/1.0.1/django_huey/management/commands/djangohuey.py'

export const HUEY_COMMANDS = new Set(['run_huey', 'djangohuey'])

export interface HueyConsumer {
  diagnostics: Diagnostic[]
  processes: Sourced<number>
  threads: Sourced<number>
}

/**
 * @param settings the names of the Django settings module the command runs with (undefined: not found).
 * @param settingsName its dotted name, for messages.
 */
export function hueyConsumer(ctx: AnalyzerContext, command: string, args: readonly string[], settings: Map<string, EvalValue> | undefined, settingsName: string | undefined): HueyConsumer {
  const diagnostics: Diagnostic[] = []
  const ref = command === 'run_huey' ? RUN_HUEY : DJANGOHUEY
  const where = settingsName ?? 'the settings module'
  // The consumer options dict the command reads, and what it is called in messages.
  let consumer: EvalValue | undefined
  let path: string
  if (command === 'run_huey') {
    path = 'HUEY["consumer"]'
    consumer = entry(settings?.get('HUEY'), 'consumer')
  } else {
    const conf = settings?.get('DJANGO_HUEY')
    const queue = findFlag(args, ['--queue'])?.value ?? asString(entry(conf, 'default'))
    path = `DJANGO_HUEY["queues"][${JSON.stringify(queue ?? '?')}]["consumer"]`
    consumer = queue === undefined ? undefined : entry(entry(entry(conf, 'queues'), queue), 'consumer')
  }

  const setting = settings?.get(command === 'run_huey' ? 'HUEY' : 'DJANGO_HUEY')
  // django-huey needs DJANGO_HUEY: without it (or without the settings) the Django settings read are not the ones it runs with.
  const missing = settings === undefined ? 'the Django settings module was not found' : command === 'djangohuey' && setting === undefined ? `${where} sets no DJANGO_HUEY` : undefined
  const unread = !missing && consumer !== undefined && !isDict(consumer)
  const dflt = (n: number, what: string): Sourced<number> => {
    const d = fromDefault(`huey's default ${what}`, OPTIONS)
    return missing ? sourced(n, assumed(`${missing}, so ${path} is not known: huey's default ${what} assumed`), [d]) : sourced(n, d)
  }

  const workers = firstOf(
    [flagCandidate(numericFlag(args, ['-w', '--workers']), `huey ${command} --workers`), pyCandidate(entry(consumer, 'workers'), `huey ${path}["workers"]`)],
    dflt(1, 'workers, 1'),
  )
  append(diagnostics, workers.diagnostics)
  if (unread) diagnostics.push({code: 'unknown-config-value', file: consumer?.file, line: consumer?.line, message: `${ctx.processType}: cannot read huey's consumer options (${path}); huey's defaults assumed`, processType: ctx.processType, severity: 'warning'})
  if (missing && !workers.value.source.kind.startsWith('flag')) {
    diagnostics.push({code: 'unknown-config-value', fix: 'point DJANGO_SETTINGS_MODULE at the settings the dyno runs with (--env DJANGO_SETTINGS_MODULE=…), or pass --workers N to the command', message: `${ctx.processType}: \`manage.py ${command}\` takes its workers from ${path}, but ${missing}; huey's default 1 worker assumed`, processType: ctx.processType, severity: 'warning'})
  }

  const typeFlag = findFlag(args, ['-k', '--worker-type'])
  const typeSet = entry(consumer, 'worker_type')
  const workerType = typeFlag?.value ?? asString(typeSet) ?? 'thread'
  const typeSource = typeFlag ? fromFlag(typeFlag.written) : typeSet && asString(typeSet) ? fromFile(typeSet.file, typeSet.line) : fromDefault(`huey's default worker_type, thread`, OPTIONS)
  // worker_type written on the line the workers come from: named once.
  const same = (s: Source): boolean => s.kind === 'file' && typeSource.kind === 'file' && s.file === typeSource.file && s.line === typeSource.line
  const typeVia = same(workers.value.source) || (workers.value.via ?? []).some(same) ? [] : [typeSource]
  const runs = fromDefault(`\`manage.py ${command}\` runs one huey consumer with the app's Django settings`, ref)
  if (workerType === 'process') {
    return {diagnostics, processes: {...workers.value, via: [...(workers.value.via ?? []), ...typeVia, runs]}, threads: sourced(1, typeSource, [fromDefault('each huey process worker runs one task at a time', OPTIONS)])}
  }

  const model = workerType === 'greenlet' ? 'greenlets (each can hold its own connection)' : 'threads'
  return {diagnostics, processes: sourced(1, runs), threads: {...workers.value, via: [...(workers.value.via ?? []), ...typeVia, fromDefault(`huey ${workerType} workers: ${workers.value.value} ${model} in the consumer's process`, OPTIONS)]}}
}

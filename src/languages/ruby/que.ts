/**
 * Que (https://github.com/que-rb/que). Que 1.x/2.x: the `que` executable runs
 * one process with `--worker-count` worker threads (default 6), or as many as
 * `--worker-priorities` lists, plus a locker that keeps one connection for its
 * whole life (lib/que/command_line_interface.rb). The locker opens that
 * connection itself, outside the pool, since 1.0 (lib/que/locker.rb: "If we
 * weren't passed a specific connection_url, borrow a connection from the pool
 * and derive the connection string from it", then `PG::Connection.open`): per
 * process min(pool, workers) + 1.
 * Que 0.x ran workers through `rake que:work` with QUE_WORKER_COUNT (default 4).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import {assumed, fromDefault, fromFlag, sourced} from '../../model/source.js'
import {versionAtLeast} from '../../util/version.js'
import {envCandidate, findFlag, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isQue, isQueRakeTask} from '../common/matchers.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'

const CLI = 'https://github.com/que-rb/que/blob/master/lib/que/command_line_interface.rb'
const LOCKER = 'https://github.com/que-rb/que/blob/master/lib/que/locker.rb'
const LEGACY = 'https://github.com/que-rb/que/blob/0.x/docs/managing_workers.md'


export const que: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const {argv} = ctx.command
    const version = ctx.versions.que
    const diagnostics: Diagnostic[] = []
    const versions = version ? {versions: {que: version}} : {}
    const base = {language: 'ruby', processesPerDyno: sourced(1, fromDefault('one Que process per command', CLI)), server: 'que', ...versions}

    if (isQueRakeTask(argv)) {
      const legacy = !version || !versionAtLeast(version, '1.0.0')
      const count = firstOf(
        [envCandidate(ctx.env, ['QUE_WORKER_COUNT'], 'Que worker count')],
        sourced(4, fromDefault('Que 0.x default QUE_WORKER_COUNT', LEGACY), legacy && version ? [] : [assumed('`rake que:work` is the Que 0.x way to run workers')]),
      )
      return {...base, diagnostics: count.diagnostics.map((d) => ({...d, processType: ctx.processType})), threadsPerProcess: count.value}
    }

    const priorities = findFlag(argv, ['-p', '--worker-priorities'])
    const fromPriorities = priorities ? {diagnostics: [], value: sourced(priorities.value.split(',').length, fromFlag(priorities.written))} : {diagnostics: []}
    const workers = firstOf(
      [flagCandidate(numericFlag(argv, ['-w', '--worker-count']), 'Que worker count'), fromPriorities],
      sourced(6, fromDefault(`Que${version ? ` ${version}` : ''} default worker count`, CLI)),
    )
    append(diagnostics, workers.diagnostics)

    // The locker's own connection, outside the pool: to --connection-url, else to the pool's database.
    const own = findFlag(argv, ['--connection-url'])
    const locker: Extra = {
      count: own
        ? sourced(1, fromFlag('--connection-url …'), [assumed('the locker connects to --connection-url; counted on this server')])
        : sourced(1, fromDefault('the Que locker opens its own connection (PG::Connection.open), outside the pool', LOCKER)),
      kind: 'que-locker',
      reason: own ? 'Que locker connection (--connection-url)' : 'Que locker connection (its own, outside the pool)',
    }
    return {
      ...base,
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      extrasPerProcess: [locker],
      threadsPerProcess: workers.value,
    }
  },
  id: 'que',
  matches: isQue,
}

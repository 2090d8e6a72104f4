/**
 * Que (https://github.com/que-rb/que). Que 1.x/2.x: the `que` executable runs
 * one process with `--worker-count` worker threads (default 6), or as many as
 * `--worker-priorities` lists, plus a locker that keeps one connection for its
 * whole life (lib/que/command_line_interface.rb). The locker opens that
 * connection itself, outside the pool, since 1.0 (lib/que/locker.rb: "If we
 * weren't passed a specific connection_url, borrow a connection from the pool
 * and derive the connection string from it", then `PG::Connection.open`): per
 * process min(pool, workers) + 1.
 * Que 0.x ran workers through `rake que:work` with QUE_WORKER_COUNT (default 4), and from 0.11.0 through
 * its `que` command: `Que.worker_count = (-w || QUE_WORKER_COUNT || Que.worker_count || 4)` after requiring
 * the files it is given (QUE_WORKER_COUNT from 0.11.3), then `Que.mode = :async` — threads of
 * Que.connection's pool (ActiveRecord's under Rails) and no locker (que-rb/que v0.14.3 bin/que:72-74;
 * v0.11.0 bin/que:69). Que.worker_count is 4 unless the app's boot files set it (lib/que/worker.rb:120).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import {assumed, fromDefault, fromFlag, sourced} from '../../model/source.js'
import {versionAtLeast} from '../../util/version.js'
import {envCandidate, findFlag, firstOf, flagCandidate, numericFlag, rubyCandidate} from '../common/setting.js'
import {isQue, isQueRakeTask} from '../common/matchers.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'
import {bootWorkerCount} from './que-async.js'

const CLI = 'https://github.com/que-rb/que/blob/master/lib/que/command_line_interface.rb'
const LOCKER = 'https://github.com/que-rb/que/blob/master/lib/que/locker.rb'
const LEGACY = 'https://github.com/que-rb/que/blob/0.x/docs/managing_workers.md'
const LEGACY_CLI = 'https://github.com/que-rb/que/blob/v0.14.3/bin/que#L72-L74'
const LEGACY_WORKER = 'https://github.com/que-rb/que/blob/v0.14.3/lib/que/worker.rb#L120'


export const que: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
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

    if (version && /^0\./.test(version)) {
      // Que 0.x's `que` command: worker threads only, no locker.
      const set = await bootWorkerCount(ctx)
      const count = firstOf(
        [
          flagCandidate(numericFlag(argv, ['-w', '--worker-count']), 'Que worker count'),
          versionAtLeast(version, '0.11.3') ? envCandidate(ctx.env, ['QUE_WORKER_COUNT'], 'Que worker count') : {diagnostics: []},
          set ? rubyCandidate(set.call.args[0], set.file, set.call.line, 'Que.worker_count') : {diagnostics: []},
        ],
        sourced(4, fromDefault(`Que ${version}: the \`que\` command runs Que.worker_count workers, 4 unless set`, LEGACY_WORKER), [fromDefault('`que FILES`: -w, else QUE_WORKER_COUNT, else Que.worker_count, else 4; no locker connection before Que 1.0', LEGACY_CLI)]),
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

/**
 * Thin (`thin start`, or `rackup` when thin is the bundle's Rack server): one
 * EventMachine process that runs each request on its reactor thread, so one
 * connection at a time — unless `--threaded`, which hands requests to a pool of
 * `--threadpool-size` threads (20 by default, lib/thin/runner.rb).
 */
import {fromDefault, sourced} from '../../model/source.js'
import {hasFlag} from '../common/argv.js'
import {isThin, rackPickWhy} from '../common/matchers.js'
import {firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import type {ServerAnalyzer} from '../common/types.js'

const REF = 'https://github.com/macournoyer/thin/blob/master/lib/thin/runner.rb'

export const thin: ServerAnalyzer = {
  analyze(ctx) {
    const {argv} = ctx.command
    const why = rackPickWhy(argv, ctx.versions, ctx.env)
    const threaded = hasFlag(argv, ['--threaded'])
    const threads = threaded
      ? firstOf([flagCandidate(numericFlag(argv, ['--threadpool-size'], ctx.command), 'thin threadpool size')], sourced(20, fromDefault('thin default --threadpool-size with --threaded', REF)))
      : {diagnostics: [], value: sourced(1, fromDefault('thin runs each request on its EventMachine reactor thread (no --threaded)', REF))}
    return {
      diagnostics: threads.diagnostics.map((d) => ({...d, processType: ctx.processType})),
      language: 'ruby',
      processesPerDyno: sourced(1, fromDefault('one thin server per dyno (it listens on $PORT)', REF), why ? [fromDefault(why.why, why.ref)] : undefined),
      server: 'thin',
      threadsPerProcess: threads.value,
      ...(ctx.versions.thin ? {versions: {thin: ctx.versions.thin}} : {}),
    }
  },
  id: 'thin',
  matches: isThin,
}

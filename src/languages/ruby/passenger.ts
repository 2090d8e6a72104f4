/**
 * Phusion Passenger Standalone (`passenger start`): up to `--max-pool-size`
 * application processes (6 by default), each serving one request at a time in
 * the open-source edition's process concurrency model; `--concurrency-model
 * thread --thread-count N` (Enterprise) gives each process N threads.
 */
import {fromDefault, sourced} from '../../model/source.js'
import {isPassenger} from '../common/matchers.js'
import {firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import type {ServerAnalyzer} from '../common/types.js'

const REF = 'https://www.phusionpassenger.com/docs/references/config_reference/standalone/'

export const passenger: ServerAnalyzer = {
  analyze(ctx) {
    const {argv} = ctx.command
    const at = (names: string[]) => numericFlag(argv, names, ctx.command)
    const processes = firstOf([flagCandidate(at(['--max-pool-size']), 'Passenger max pool size')], sourced(6, fromDefault('Passenger Standalone default --max-pool-size', REF)))
    const threaded = at(['--concurrency-model'])?.value === 'thread'
    const threads = threaded
      ? firstOf([flagCandidate(at(['--thread-count']), 'Passenger thread count')], sourced(1, fromDefault('Passenger default --thread-count', REF)))
      : {diagnostics: [], value: sourced(1, fromDefault('Passenger process concurrency model: one request per process at a time', REF))}
    return {
      diagnostics: [...processes.diagnostics, ...threads.diagnostics].map((d) => ({...d, processType: ctx.processType})),
      language: 'ruby',
      processesPerDyno: processes.value,
      server: 'passenger',
      threadsPerProcess: threads.value,
      ...(ctx.versions.passenger ? {versions: {passenger: ctx.versions.passenger}} : {}),
    }
  },
  id: 'passenger',
  matches: isPassenger,
}

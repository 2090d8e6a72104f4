import type {AnalyzerContext} from '../common/types.js'

import {assumed, type Sourced, sourced} from '../../model/source.js'
import {dynoLabel} from '../../platform/dyno-sizes.js'

/**
 * What Ruby's processor-count calls (`Concurrent.physical_processor_count`,
 * `Etc.nprocessors`, Puma's `workers :auto`) return on this process type's dyno:
 * its nproc from plans/dyno-sizes.json. Whether the *physical* count on a shared
 * Standard host is nproc (8) or fewer is UNCONFIRMED (domain-facts §2.1), so the
 * value is always labelled an assumption.
 */
export function processorsFor(ctx: AnalyzerContext): Sourced<number> {
  const dyno = ctx.dyno
  const nproc = dyno?.nproc
  if (!nproc) return sourced(8, assumed('dyno size unknown: 8 processors, as a Standard dyno reports'))
  // One value per dyno's facts (the types of one size share them), frozen: every type asks, several times.
  let found = byDyno.get(dyno)
  if (!found) byDyno.set(dyno, (found = Object.freeze(sourced(nproc.value, assumed(`Ruby's processor count on a ${dynoLabel(dyno)} taken as its nproc`), [nproc.source, ...(nproc.via ?? [])]))))
  return found
}

const byDyno = new WeakMap<NonNullable<AnalyzerContext['dyno']>, Sourced<number>>()

import type {AnalyzerContext} from './types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import {isUnreadValue, type Source, type Sourced} from '../../model/source.js'

/**
 * Sources are flat records of strings and numbers, the same fields for the same kind: the same when
 * every field is. No JSON and no key arrays: it is asked twice for every process type.
 */
function same(a: Source, b: Source): boolean {
  if (a === b) return true
  if (a.kind !== b.kind) return false
  for (const k in a) if (a[k as keyof Source] !== b[k as keyof Source]) return false
  return true
}

/** Did this number come from the dyno's processor count (cpu_count(), a CPU-count default)? */
export function fromNproc(ctx: AnalyzerContext, v: Sourced<number>): boolean {
  const n = ctx.dyno?.nproc.source
  if (n === undefined) return false
  if (same(v.source, n)) return true
  // A loop, not a spread array: asked twice for every process type.
  for (const s of v.via ?? []) if (same(s, n)) return true
  return false
}

/**
 * `cpu-count-default`: a setting silently follows the CPU count, which is 8 on
 * every Standard (and Eco/Basic) dyno because they share a host. `because` replaces "it follows the CPU count" when the app's own setting is why (`the app's worker_concurrency is os.cpu_count() (celeryconfig.py:3)`).
 */
export function cpuCountWarning(ctx: AnalyzerContext, v: Sourced<number>, what: string, fix: string, because = 'it follows the CPU count'): Diagnostic[] {
  // The app sets the count where conncalc cannot read it: the CPU count is what was assumed, not why (the unread value is said).
  // Heroku's shared-host sizes only: a Render instance named standard is not one.
  if (!ctx.dyno || ctx.dyno.platform || !/^(standard|eco|basic)/.test(ctx.dyno.name) || !fromNproc(ctx, v) || isUnreadValue(v)) return []
  return [
    {
      code: 'cpu-count-default',
      fix,
      message: `${ctx.processType}: ${what} is ${v.value} because ${because}, and a ${ctx.dyno.name} dyno reports ${ctx.dyno.nproc.value} CPUs (a shared host), not its share`,
      processType: ctx.processType,
      severity: 'warning',
    },
  ]
}

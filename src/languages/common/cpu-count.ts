import type {AnalyzerContext} from './types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Source, Sourced} from '../../model/source.js'

/** Sources are flat records of strings and numbers: the same when every field is (no JSON per call: it runs once per process type). */
function same(a: Source, b: Source): boolean {
  if (a === b) return true
  if (a.kind !== b.kind) return false
  const keys = Object.keys(a) as (keyof Source)[]
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

/** Did this number come from the dyno's processor count (cpu_count(), a CPU-count default)? */
export function fromNproc(ctx: AnalyzerContext, v: Sourced<number>): boolean {
  const n = ctx.dyno?.nproc.source
  return n !== undefined && [v.source, ...(v.via ?? [])].some((s) => same(s, n))
}

/**
 * `cpu-count-default`: a setting silently follows the CPU count, which is 8 on
 * every Standard (and Eco/Basic) dyno because they share a host.
 */
export function cpuCountWarning(ctx: AnalyzerContext, v: Sourced<number>, what: string, fix: string): Diagnostic[] {
  if (!ctx.dyno || !fromNproc(ctx, v)) return []
  const shared = /^(standard|eco|basic)/.test(ctx.dyno.name)
  if (!shared) return []
  return [
    {
      code: 'cpu-count-default',
      fix,
      message: `${ctx.processType}: ${what} is ${v.value} because it follows the CPU count, and a ${ctx.dyno.name} dyno reports ${ctx.dyno.nproc.value} CPUs (a shared host), not its share`,
      processType: ctx.processType,
      severity: 'warning',
    },
  ]
}

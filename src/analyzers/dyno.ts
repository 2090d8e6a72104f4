import {assumed, type Sourced, sourced} from '../model/source.js'

// nproc inside each dyno size, as Heroku's own buildpack tests see it
// (heroku-buildpack-python spec/hatchet/profile_d_scripts_spec.rb; domain-facts
// §2.1). Standard dynos run on shared hosts and report 8. What
// Concurrent.physical_processor_count returns there is UNCONFIRMED (maybe 4),
// so every use is labelled an assumption.
const NPROC: Record<string, number> = {
  'performance-2xl': 16,
  'performance-l': 8,
  'performance-l-ram': 4,
  'performance-m': 2,
  'performance-xl': 8,
  'standard-1x': 8,
  'standard-2x': 8,
}

/** How many processors code on this dyno sees (8 when the size is unknown: a Standard dyno). */
export function processorsOn(size: string | undefined): Sourced<number> {
  const s = size?.toLowerCase()
  const n = (s && NPROC[s]) || 8
  return sourced(n, assumed(`${n} processors on ${s && NPROC[s] ? `a ${s} dyno` : 'a Standard dyno (size not given)'} (nproc in Heroku's buildpack tests)`))
}

import type {Sourced} from './source.js'

/** How many dynos of a process type run, and on which size (`--scale`, app.json). */
export interface FormationEntry {
  quantity: Sourced<number>
  /** Autoscaling range `web=2..10`: quantity is the max. */
  range?: {max: number; min: number}
  size?: Sourced<string>
}

export type Formation = Map<string, FormationEntry>

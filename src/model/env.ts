import type {Source} from './source.js'

/** One variable's value and where it was set. */
export interface EnvEntry {
  name: string
  source: Source // kind 'env' (from: "Procfile:2", "--env", ".env.production:4") or 'flag'
  value: string
  /** What the value was expanded from: `DB_POOL=$SIDEKIQ_CONCURRENCY` on a Procfile line. */
  via?: Source[]
  /**
   * Set when the value is a command's output conncalc does not run (`WEB_CONCURRENCY=$(script/web_concurrency)`):
   * why, naming where. `value` is then the text as written; readers treat the variable as set to a value they
   * cannot know, never as unset (procfile/command-output.ts).
   */
  unknown?: string
}

/** The sources of an entry's value, its own first. */
export const entrySources = (e: EnvEntry): Source[] => [e.source, ...(e.via ?? [])]

/** A named layer of variables: a Procfile line, --env flags, an env file, the platform. */
export interface EnvLayer {
  label: string
  vars: Map<string, EnvEntry>
}

/**
 * The environment one process type sees, highest layer first (DESIGN.md,
 * "Environment, layered per process type"). Lookups never touch process.env.
 */
export class Env {
  constructor(readonly layers: readonly EnvLayer[]) {}

  get(name: string): EnvEntry | undefined {
    for (const layer of this.layers) {
      const e = layer.vars.get(name)
      if (e) return e
    }

    return undefined
  }

  /** Every variable name set in some layer, for readers that match names by pattern (`ConnectionStrings__*`). */
  names(): string[] {
    return [...new Set(this.layers.flatMap((l) => [...l.vars.keys()]))]
  }

  has(name: string): boolean {
    return this.get(name) !== undefined
  }

  /** A new Env with `layer` on top of this one. */
  with(layer: EnvLayer): Env {
    return new Env([layer, ...this.layers])
  }
}

export function layer(label: string, entries: EnvEntry[]): EnvLayer {
  return {label, vars: new Map(entries.map((e) => [e.name, e]))}
}

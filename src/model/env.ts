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
  /**
   * Variables this layer says the deployer gives a value for, with no value here (app.json's
   * `"required"` env without a `value`, platform/app-json-env.ts): unset as far as lookups go,
   * but a fallback the code takes for one is an assumption (Env.deployerSets).
   */
  deployerSets?: Map<string, Source>
  /** Variables this layer removes from the ones below (a script's `unset X`): unset from here up. */
  unset?: ReadonlySet<string>
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
      if (layer.unset?.has(name)) return undefined
    }

    return undefined
  }

  /**
   * Every variable name set in some layer and not unset above it (a script's `unset X` over the --env X), for readers that
   * match names by pattern (`ConnectionStrings__*`): each has a value (get).
   */
  names(): string[] {
    return [...new Set(this.layers.flatMap((l) => [...l.vars.keys()]))].filter((n) => this.get(n) !== undefined)
  }

  /**
   * The assumption to attach to a value a reader takes because `name` is unset, when a layer says
   * the deployer sets it (app.json requires it and gives no value): the code's fallback is then not
   * known to apply; so is a value only a layer below that one sets. Undefined when none says so.
   */
  deployerSets(name: string): Source | undefined {
    // A layer above the one that asks for it (--env, the Procfile line) sets it: that value is read. One below
    // (a buildpack's WEB_CONCURRENCY, an image's ENV) is replaced by the deployer's config var: still assumed.
    for (const layer of this.layers) {
      const s = layer.deployerSets?.get(name)
      if (s) return s
      if (layer.vars.has(name) || layer.unset?.has(name)) return undefined
    }

    return undefined
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

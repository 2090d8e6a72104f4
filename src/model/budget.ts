import type {ProcessModel, ProcessRole} from './process.js'
import type {Sourced} from './source.js'

export interface ServerPoolingBudget {
  clientLimit: Sourced<number>
  /** Expected client connections of the pooled types (what they would open directly). */
  clients: number
  clientsCeiling: number
  /** What the pooler opens on the database: min(clients, serverLimit); counted in the total. */
  serverCeiling: number
  serverConnections: number
  /** 75% of the limit (an assumption); null without a limit, when the pooler is counted at its clients. */
  serverLimit: null | Sourced<number>
  types: string[]
}

export type Status = 'ok' | 'over' | 'unknown' | 'warning'

/** One process type's arithmetic (DESIGN.md, "The arithmetic"). */
export interface ProcessBudget {
  ceiling: number
  ceilingPerDyno: number
  ceilingPerProcess: number
  command: string
  connections: number
  connectionsPerDyno: number
  connectionsPerProcess: number
  /** Database entries counted on the budgeted server. */
  databases: string[]
  dynos: number
  extraPerDyno: number
  extraPerProcess: number
  language: string
  /** How many dynos of this type fit with every other type held where it is; null without a limit. */
  maxDynos: null | number
  model: ProcessModel
  name: string
  /** Σ pool over the databases on this server; null when no app-level pool is known (1 connection per thread). */
  poolPerProcess: null | number
  processesPerDyno: number
  role: ProcessRole
  server: string
  threadsPerProcess: number
}

export interface BudgetOptions {
  limit: null | Sourced<number>
  reserve: Sourced<number>
  warnAt: number
}

/**
 * One moment of a deploy, on top of the running formation: the release phase
 * (the old formation still up, plus the release dyno), or preboot's overlap
 * (old and new web dynos both up). They happen one after the other, never
 * together, so the deploy peak is the larger of them, not their sum.
 */
export interface DeployMoment {
  /** The app deploying, when several apps share the database. */
  app: null | string
  /** Connections added on top of `total` during this moment. */
  extra: number
  /** release: Heroku's release phase; postdeploy: Scalingo's hook (with the new containers beside the old, under preboot); postcompile: a build hook named in the Procfile; preboot: the web overlap. */
  kind: 'postcompile' | 'postdeploy' | 'preboot' | 'release'
  /** total + extra. */
  peak: number
  /** The process types whose connections are added. */
  processTypes: string[]
}

export interface Budget {
  ceiling: number
  /** The largest moment of a deploy (total when nothing is added). */
  deployPeak: number
  deployMoments: DeployMoment[]
  limit: null | number
  limitSource: null | Sourced<number>
  processTypes: ProcessBudget[]
  reserve: number
  reserveSource: Sourced<number>
  /** Types behind Heroku's server-side pool count through it (null when none is). */
  serverPooling: null | ServerPoolingBudget
  status: Status
  total: number
  utilization: null | number
  warnAt: number
}

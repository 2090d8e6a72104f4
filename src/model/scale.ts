import type {PlanResult} from './report.js'

/** One process type before and after `conncalc scale`. */
export interface ScaleChange {
  app: null | string
  changed: boolean
  connectionsAfter: number
  connectionsBefore: number
  /** connectionsAfter − connectionsBefore. */
  delta: number
  dynosAfter: number
  dynosBefore: number
  processType: string
  role: string
  sizeAfter: null | string
  sizeBefore: null | string
}

export interface ScaleResult {
  after: PlanResult
  before: PlanResult
  changes: ScaleChange[]
}

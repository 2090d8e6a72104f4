
export type Confidence = 'confirmed' | 'derived' | 'secondary' | 'unconfirmed'

export interface Plan {
  aliases?: string[]
  confidence: Confidence
  limit: number
  name: string
  note?: string
  source: string
  tier: string
}

export interface PlanTable {
  description?: string
  name: string
  path: string // where it was loaded from, for sources
  plans: Plan[]
}

export interface PlanInfo {
  confidence: Plan['confidence']
  limit: number
  name: string
  note?: string
  source: string
  table: string
  tier: string
}

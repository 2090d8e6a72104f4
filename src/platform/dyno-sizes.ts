/**
 * Dyno sizes as data (plans/dyno-sizes.json): memory, nproc and the
 * WEB_CONCURRENCY each buildpack sets per size. The file ships with conncalc
 * and is validated with zod by the test suite, not at run time.
 */
import {assumed, fromDefault, type Source, sourced, type Sourced, uniqueSources} from '../model/source.js'

export type Buildpack = 'nodejs' | 'php' | 'python'

export type Confidence = 'confirmed' | 'unconfirmed'

/** Cedar (classic buildpacks) or Fir (Cloud Native Buildpacks, the `dyno-*` sizes). */
export type Generation = 'cedar' | 'fir'

export interface DynoSize {
  /** Other names Heroku accepts for this size (retired names, `px`), lower case. */
  aliases?: string[]
  /** Absent: Cedar. */
  generation?: Generation
  memoryConfidence: Confidence
  memoryMb: number
  /** Why the memory is assumed; required when memoryConfidence is unconfirmed. */
  memoryNote?: string
  name: string
  /** Why the nproc is assumed. */
  note?: string
  nproc: number
  nprocConfidence: Confidence
  /**
   * The most processes and threads the dyno allows (`ulimit -u` inside it); absent where Heroku documents
   * none (Fir sizes, and the -L-RAM and memory sizes, whose number the page has given two ways).
   */
  processLimit?: number
  /** What each buildpack sets; absent where it sets none (Python's CNB on Fir). */
  webConcurrency: Partial<Record<Buildpack, number>> & {nodejs: number; php: number}
}

interface BuildpackFormula {
  buildpack: string
  formula: string
  ref: string
}

export interface DynoSizeTable {
  buildpacks: Record<Buildpack, BuildpackFormula>
  default: string
  /** The Cloud Native Buildpacks' behaviour on Fir sizes. */
  firBuildpacks: Record<Buildpack, BuildpackFormula>
  description?: string
  name: string
  sizes: DynoSize[]
  sources: {memoryMb: string; names: string; nproc: string; processLimit: string}
}

/** The zod schema of plans/dyno-sizes.json; zod is imported only when validating. */
export async function dynoSizeTableSchema() {
  const {z} = await import('zod')
  const count = z.number().int().positive()
  const confidence = z.enum(['confirmed', 'unconfirmed'])
  const sizeName = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/)
  const size = z
    .strictObject({
      aliases: z.array(sizeName).min(1).optional(),
      generation: z.enum(['cedar', 'fir']).optional(),
      memoryConfidence: confidence,
      memoryMb: count,
      memoryNote: z.string().min(1).optional(),
      name: sizeName,
      note: z.string().min(1).optional(),
      nproc: count,
      nprocConfidence: confidence,
      processLimit: count.optional(),
      webConcurrency: z.strictObject({nodejs: count, php: count, python: count.optional()}),
    })
    .refine((s) => (s.webConcurrency.python === undefined) === (s.generation === 'fir'), {message: 'Python sets WEB_CONCURRENCY on Cedar sizes only: a python value exactly when the size is not Fir', path: ['webConcurrency', 'python']})
    .refine((s) => s.memoryConfidence === 'confirmed' || s.memoryNote !== undefined, {message: 'an unconfirmed memoryMb needs a memoryNote saying why', path: ['memoryNote']})
    .refine((s) => s.nprocConfidence === 'confirmed' || s.note !== undefined, {message: 'an unconfirmed nproc needs a note saying why', path: ['note']})
  const pack = z.strictObject({buildpack: z.string().min(1), formula: z.string().min(1), ref: z.url()})
  return z.strictObject({
    buildpacks: z.strictObject({nodejs: pack, php: pack, python: pack}),
    default: z.string(),
    firBuildpacks: z.strictObject({nodejs: pack, php: pack, python: pack}),
    description: z.string().optional(),
    name: z.string(),
    sizes: z.array(size).min(1),
    sources: z.strictObject({memoryMb: z.url(), names: z.url(), nproc: z.url(), processLimit: z.url()}),
  })
}

/** What a process type's dyno looks like, every number sourced. */
export interface DynoFacts {
  memoryMb: Sourced<number>
  name: string
  /** Another platform's machine the type runs on (a Fly Machine, a Render instance) instead of a Heroku dyno: how to call it. */
  platform?: {name: string; unit: string}
  nproc: Sourced<number>
  /** `ulimit -u` inside the dyno, where the size's limit is documented. */
  processLimit?: Sourced<number>
  /** The size, as given (--scale / app.json) or assumed. */
  size: Sourced<string>
  /** The table row, for the buildpacks' WEB_CONCURRENCY. */
  row: DynoSize
}

/** How messages name what a type runs on: "a standard-1x dyno", "a Render starter instance", "a Fly.io shared-cpu-1x Machine". */
export const dynoLabel = (dyno: Pick<DynoFacts, 'name' | 'platform'>): string => (dyno.platform ? `${dyno.platform.name} ${dyno.name === dyno.platform.unit ? '' : `${dyno.name} `}${dyno.platform.unit}` : `${dyno.name} dyno`)

export const findDynoSize = (table: DynoSizeTable, name: string): DynoSize | undefined => {
  const key = name.trim().toLowerCase()
  return table.sizes.find((s) => s.name === key || (s.aliases ?? []).includes(key))
}

/**
 * The dyno a process type runs on. Unset or unknown sizes fall back to the
 * table's default (a 512 MB Standard-1X), labelled as an assumption.
 */
export function dynoFacts(table: DynoSizeTable, size: Sourced<string> | undefined): DynoFacts {
  const found = size ? findDynoSize(table, size.value) : undefined
  const row = found ?? findDynoSize(table, table.default)!
  const sizeSource: Sourced<string> = found
    ? size!
    : sourced(
        row.name,
        assumed(
          size
            ? `dyno size "${size.value}" is not in plans/dyno-sizes.json; a 512 MB ${row.name} dyno assumed`
            : `no dyno size in --scale or app.json; a 512 MB ${row.name} dyno assumed (say --scale TYPE=N:SIZE)`,
        ),
      )
  const via: Source[] = found ? [] : [sizeSource.source]
  const nprocSource =
    row.nprocConfidence === 'confirmed'
      ? fromDefault(`nproc inside a ${row.name} dyno${row.note ? ` (${row.note})` : ''}`, table.sources.nproc)
      : assumed(`nproc ${row.nproc} on ${row.name} (${row.note ?? 'not measured'})`)
  const memorySource =
    row.memoryConfidence === 'confirmed'
      ? fromDefault(`memory of a ${row.name} dyno`, table.sources.memoryMb)
      : assumed(`memory ${row.memoryMb} MB on ${row.name} (${row.memoryNote ?? 'not documented'})`)
  return {
    memoryMb: sourced(row.memoryMb, memorySource, via),
    name: row.name,
    nproc: sourced(row.nproc, nprocSource, via),
    ...(row.processLimit === undefined ? {} : {processLimit: sourced(row.processLimit, fromDefault(`process/thread limit of a ${row.name} dyno (ulimit -u)`, table.sources.processLimit), via)}),
    row,
    size: sizeSource,
  }
}

/**
 * The WEB_CONCURRENCY `pack` writes for this dyno, as a source that cites the
 * formula (the Cloud Native Buildpack's on a Fir size), via every assumed input:
 * the size itself, its memory, and (for the formulas that read it: Python, PHP)
 * its nproc. Undefined when the buildpack sets none on this size (Python on Fir).
 */
export function buildpackWebConcurrency(table: DynoSizeTable, pack: Buildpack, dyno: DynoFacts): Sourced<number> | undefined {
  const bp = buildpackOn(table, pack, dyno)
  const value = dyno.row.webConcurrency[pack]
  if (value === undefined) return undefined
  const inputs = [dyno.size.source, dyno.memoryMb.source, ...(pack === 'nodejs' ? [] : [dyno.nproc.source])]
  const via = uniqueSources([inputs.filter((s) => s.kind === 'assumed')])
  return sourced(value, fromDefault(`${bp.buildpack} buildpack sets WEB_CONCURRENCY=${value} on ${dyno.name}: ${bp.formula}`, bp.ref), via)
}

/** The buildpack that runs on this dyno: the classic one on Cedar, the Cloud Native one on Fir. */
export function buildpackOn(table: DynoSizeTable, pack: Buildpack, dyno: DynoFacts): BuildpackFormula {
  return dyno.row.generation === 'fir' ? table.firBuildpacks[pack] : table.buildpacks[pack]
}

/**
 * What the classic buildpacks' formulas (the table's `buildpacks`) give on a machine that is not a Heroku dyno (a Render
 * instance, a Fly Machine), from its memory and CPU count; the table's Cedar rows are these same formulas worked out per
 * size (test/platform/dyno-sizes.test.ts checks every row against it):
 * - python: min(nproc × 2 + 1, ⌊memory ÷ 256⌋), at least 1 (heroku-buildpack-python vendor/WEB_CONCURRENCY.sh);
 * - nodejs: ⌊memory ÷ 512⌋ (÷ 2048 above 16384 MB), at least 1, over 200 becomes 1 (heroku-buildpack-nodejs
 *   profile/WEB_CONCURRENCY.sh);
 * - php: PHP-FPM children min(⌊memory ÷ 128⌋, ⌊⌈log2(memory ÷ 128)⌉ × nproc × 2⌋), at least 1 (heroku-buildpack-php
 *   bin/util/autotune.php with memory_limit 128M).
 */
export function classicWebConcurrency(memoryMb: number, nproc: number): {nodejs: number; php: number; python: number} {
  const python = Math.max(1, Math.min(nproc * 2 + 1, Math.floor(memoryMb / 256)))
  const node = Math.max(1, Math.floor(memoryMb / (memoryMb > 16_384 ? 2048 : 512)))
  const slots = memoryMb / 128
  const php = Math.max(1, Math.min(Math.floor(slots), Math.floor(Math.ceil(Math.log2(slots)) * nproc * 2)))
  return {nodejs: node > 200 ? 1 : node, php, python}
}

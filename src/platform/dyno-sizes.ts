/**
 * Dyno sizes as data (plans/dyno-sizes.json): memory, nproc and the
 * WEB_CONCURRENCY each buildpack sets per size. The file ships with conncalc
 * and is validated with zod by the test suite, not at run time.
 */
import {assumed, fromDefault, type Source, sourced, type Sourced} from '../model/source.js'

export type Buildpack = 'nodejs' | 'php' | 'python'

export interface DynoSize {
  aliases?: string[]
  memoryMb: number
  name: string
  note?: string
  nproc: number
  nprocConfidence: 'confirmed' | 'unconfirmed'
  webConcurrency: Record<Buildpack, number>
}

export interface DynoSizeTable {
  buildpacks: Record<Buildpack, {buildpack: string; formula: string; ref: string}>
  default: string
  description?: string
  name: string
  sizes: DynoSize[]
  sources: {memoryMb: string; nproc: string}
}

/** The zod schema of plans/dyno-sizes.json; zod is imported only when validating. */
export async function dynoSizeTableSchema() {
  const {z} = await import('zod')
  const count = z.number().int().positive()
  const size = z.strictObject({
    aliases: z.array(z.string().regex(/^[a-z0-9-]+$/)).optional(),
    memoryMb: count,
    name: z.string().regex(/^[a-z0-9-]+$/),
    note: z.string().optional(),
    nproc: count,
    nprocConfidence: z.enum(['confirmed', 'unconfirmed']),
    webConcurrency: z.strictObject({nodejs: count, php: count, python: count}),
  })
  const pack = z.strictObject({buildpack: z.string().min(1), formula: z.string().min(1), ref: z.url()})
  return z.strictObject({
    buildpacks: z.strictObject({nodejs: pack, php: pack, python: pack}),
    default: z.string(),
    description: z.string().optional(),
    name: z.string(),
    sizes: z.array(size).min(1),
    sources: z.strictObject({memoryMb: z.url(), nproc: z.url()}),
  })
}

/** What a process type's dyno looks like, every number sourced. */
export interface DynoFacts {
  memoryMb: Sourced<number>
  name: string
  nproc: Sourced<number>
  /** The size, as given (--scale / app.json) or assumed. */
  size: Sourced<string>
  /** The table row, for the buildpacks' WEB_CONCURRENCY. */
  row: DynoSize
}

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
      ? fromDefault(`nproc inside a ${row.name} dyno`, table.sources.nproc)
      : assumed(`nproc ${row.nproc} on ${row.name} (${row.note ?? 'not measured'})`)
  return {
    memoryMb: sourced(row.memoryMb, fromDefault(`memory of a ${row.name} dyno`, table.sources.memoryMb), via),
    name: row.name,
    nproc: sourced(row.nproc, nprocSource, via),
    row,
    size: sizeSource,
  }
}

/** The WEB_CONCURRENCY `pack` writes for this dyno, as a source that cites the formula. */
export function buildpackWebConcurrency(table: DynoSizeTable, pack: Buildpack, dyno: DynoFacts): Sourced<number> {
  const bp = table.buildpacks[pack]
  const value = dyno.row.webConcurrency[pack]
  const via = dyno.size.source.kind === 'assumed' ? [dyno.size.source] : []
  return sourced(value, fromDefault(`${bp.buildpack} buildpack sets WEB_CONCURRENCY=${value} on ${dyno.name}: ${bp.formula}`, bp.ref), via)
}

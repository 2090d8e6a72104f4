import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import type {DynoSizeTable} from '../platform/dyno-sizes.js'

export const BUILTIN_DYNO_SIZES_PATH = fileURLToPath(new URL('../../plans/dyno-sizes.json', import.meta.url))

let cached: DynoSizeTable | undefined

/** The built-in dyno table; validated with zod by test/platform/dyno-sizes.test.ts, so loading skips zod. */
export function loadDynoSizes(): DynoSizeTable {
  cached ??= JSON.parse(readFileSync(BUILTIN_DYNO_SIZES_PATH, 'utf8')) as DynoSizeTable
  return cached
}

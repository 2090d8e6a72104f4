import type {DynoSizeTable} from './dyno-sizes.js'

// Bundled into dist/main.js at build time, like the plan table.
import builtin from '../../plans/dyno-sizes.json' with {type: 'json'}

export const BUILTIN_DYNO_SIZES_FILE = 'plans/dyno-sizes.json'

/** The built-in dyno table; validated with zod by test/platform/dyno-sizes.test.ts, so loading skips zod. */
export function loadDynoSizes(): DynoSizeTable {
  return builtin as DynoSizeTable
}

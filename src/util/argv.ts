/**
 * Command-line flags as the servers' own option parsers (Ruby OptionParser,
 * Python argparse) read them: `-t 5:5`, `-t5:5`, `--threads 5:5`,
 * `--threads=5:5`; the last occurrence wins.
 */
export interface FoundFlag {
  /** The flag as written, e.g. "-t" or "--threads". */
  flag: string
  value: string
}

/**
 * Find value-taking flags in argv. `spec` maps a key to its spellings:
 * `{threads: ['-t', '--threads']}`. Flags not in `spec` are skipped; their
 * values cannot be told from positionals, which is fine for what we read.
 */
export function readFlags<K extends string>(argv: readonly string[], spec: Record<K, readonly string[]>): Partial<Record<K, FoundFlag>> {
  const out: Partial<Record<K, FoundFlag>> = {}
  const keys = Object.keys(spec) as K[]
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') break
    for (const key of keys) {
      for (const name of spec[key]) {
        if (arg === name) {
          if (i + 1 < argv.length) out[key] = {flag: name, value: argv[i + 1]}
        } else if (name.startsWith('--') && arg.startsWith(`${name}=`)) {
          out[key] = {flag: name, value: arg.slice(name.length + 1)}
        } else if (!name.startsWith('--') && arg.startsWith(name) && arg.length > name.length && !arg.startsWith('--')) {
          out[key] = {flag: name, value: arg.slice(name.length)}
        }
      }
    }
  }

  return out
}

/** Whether a boolean flag (e.g. `--preload`) is present. */
export function hasFlag(argv: readonly string[], ...names: string[]): boolean {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length
  return argv.slice(0, end).some((a) => names.includes(a))
}

/** The program name without its directory: "bin/rails" → "rails". */
export const programName = (argv0: string | undefined): string => (argv0 ?? '').split('/').pop() ?? ''

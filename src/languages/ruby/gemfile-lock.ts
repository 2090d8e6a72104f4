/**
 * Gem versions from Gemfile.lock: the `specs:` lists of its GEM, GIT and PATH
 * sections. Spec lines are indented four spaces (`    puma (6.4.2)`); their
 * dependencies six, and are skipped. A platform suffix (`-x86_64-linux`) is dropped.
 */
const SECTIONS = new Set(['GEM', 'GIT', 'PATH'])

// "1.16.6-x86_64-linux" → "1.16.6". Lock files write pre-releases with dots
// ("8.0.0.beta1"), so the first "-" starts the platform.
const withoutPlatform = (v: string): string => v.split('-')[0]

export function parseGemfileLock(text: string): Record<string, string> {
  const versions: Record<string, string> = {}
  let section = ''
  let inSpecs = false
  for (const raw of text.split(/\r?\n/)) {
    if (/^\S/.test(raw)) {
      section = raw.trim()
      inSpecs = false
      continue
    }

    if (!SECTIONS.has(section)) continue
    if (raw.trim() === 'specs:') {
      inSpecs = true
      continue
    }

    const m = /^ {4}([^\s(]+) \(([^)]+)\)\s*$/.exec(raw)
    if (inSpecs && m) versions[m[1]] = withoutPlatform(m[2])
  }

  return versions
}

/** The Ruby an app declares, and where: the file and line the version was read from. */
export interface DeclaredRuby {
  /** `jruby` when the lock's `ruby 2.5.7p0 (jruby 9.2.9.0)` or the Gemfile's `engine: "jruby"` says so; else MRI (`ruby`). */
  engine: string
  file: string
  line: number
  version: string
}

/**
 * The Ruby version Heroku's buildpack installs (`bundle platform --ruby`): Gemfile.lock's
 * `RUBY VERSION` section, else the Gemfile's `ruby "3.2.2"` (a `~>`/`>=` requirement gives its
 * floor), else the `.ruby-version` a Gemfile's `ruby file: ".ruby-version"` names. Undefined when
 * the app declares none: the buildpack then installs its own default
 * (heroku/heroku-buildpack-ruby lib/language_pack/ruby_version.rb, DEFAULT_VERSION_NUMBER, 3.3.x).
 */
export function declaredRuby(files: {read(path: string): {text: string} | undefined}): DeclaredRuby | undefined {
  const lock = files.read('Gemfile.lock')?.text.split(/\r?\n/) ?? []
  const at = lock.findIndex((l) => l.trim() === 'RUBY VERSION')
  const locked = at >= 0 ? /^\s+ruby (\d+(?:\.\d+)*)\S*(?:\s+\((\w+)[\s)])?/.exec(lock[at + 1] ?? '') : undefined
  if (locked) return {engine: locked[2] ?? 'ruby', file: 'Gemfile.lock', line: at + 2, version: locked[1]}
  const gemfile = files.read('Gemfile')?.text.split(/\r?\n/) ?? []
  for (const [i, l] of gemfile.entries()) {
    const engine = /^\s*ruby[\s(].*\bengine:\s*["'](\w+)["']/.exec(l)?.[1] ?? 'ruby'
    const literal = /^\s*ruby[\s(]+["'](?:[~>=<]+\s*)?(\d+(?:\.\d+)*)/.exec(l)?.[1]
    if (literal) return {engine, file: 'Gemfile', line: i + 1, version: literal}
    const file = /^\s*ruby[\s(]+file:\s*["']([^"']+)["']/.exec(l)?.[1]
    if (file) {
      const v = /(\d+(?:\.\d+)*)/.exec(files.read(file)?.text ?? '')?.[1]
      if (v) return {engine, file, line: 1, version: v}
    }
  }

  return undefined
}

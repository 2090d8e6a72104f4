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

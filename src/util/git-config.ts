/**
 * The url of `[remote "NAME"]` in a git config file. Git's config syntax
 * (git-config(1), "Syntax"): sections `[section "subsection"]`, `key = value`,
 * `#`/`;` comments, values optionally double-quoted; keys are case-insensitive,
 * subsections case-sensitive. The last value of a key wins, as `git config --get` says.
 */
export function remoteUrl(text: string, remote: string): string | undefined {
  let inRemote = false
  let url: string | undefined
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const section = /^\[\s*([\w.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(.*)$/.exec(line)
    if (section) {
      inRemote = section[1].toLowerCase() === 'remote' && section[2]?.replaceAll(/\\(.)/g, '$1') === remote
      if (!inRemote || section[3] === '') continue
      // `[remote "x"] url = …` on one line is valid too.
      const m = /^url\s*=\s*(.*)$/i.exec(section[3])
      if (m) url = unquote(m[1])
      continue
    }

    if (!inRemote) continue
    const kv = /^([\w-]+)\s*=\s*(.*)$/.exec(line)
    if (kv && kv[1].toLowerCase() === 'url') url = unquote(kv[2])
  }

  return url
}

function unquote(value: string): string {
  const v = value.replace(/\s+[#;].*$/, '').trim()
  return v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replaceAll(/\\(.)/g, '$1') : v
}

/**
 * The app of a Heroku git URL, as the Heroku CLI's git.ts recognises them:
 * https://git.heroku.com/APP.git and git@heroku.com:APP.git (ssh), on
 * heroku.com or on the HEROKU_HOST the CLI is pointed at.
 */
export function herokuAppFromGitUrl(url: string, herokuHost?: string): string | undefined {
  const hosts = new Set(['heroku.com'])
  if (herokuHost && !/^https?:\/\//i.test(herokuHost)) hosts.add(herokuHost.toLowerCase())
  const https = /^https?:\/\/(?:[^@/]+@)?git\.([^/:]+)(?::\d+)?\/([a-z0-9][a-z0-9-]*)(?:\.git)?\/?$/i.exec(url)
  if (https && hosts.has(https[1].toLowerCase())) return https[2]
  const ssh = /^(?:ssh:\/\/)?git@(?:git\.)?([^:/]+)[:/]([a-z0-9][a-z0-9-]*)(?:\.git)?$/i.exec(url)
  if (ssh && hosts.has(ssh[1].toLowerCase())) return ssh[2]
  return undefined
}

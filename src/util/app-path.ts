/**
 * The PATH of the official base images (debian, alpine, and the language images on them), searched in order; a dyno's
 * PATH holds these folders too.
 */
export const DEFAULT_PATH: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

/** `dir` + `path` inside the app (both relative to its root), `.` and `..` resolved; undefined when it leaves the app or is absolute. */
export const joinPath = (dir: string, path: string): string | undefined => {
  if (path.startsWith('/')) return undefined
  const out: string[] = dir === '' ? [] : dir.split('/')
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (out.length === 0) return undefined
      out.pop()
    } else out.push(part)
  }

  return out.join('/')
}

/**
 * Where the platform puts the app's files, as absolute paths a command line names them by:
 * Heroku and Scalingo unpack the slug into /app (https://devcenter.heroku.com/articles/slug-compiler,
 * "the slug is … unpacked into /app" at dyno start), Cloud Foundry into /home/vcap/app
 * (https://docs.cloudfoundry.org/devguide/deploy-apps/environment-variable.html, HOME is /home/vcap/app).
 * The length of the one `p` starts with and the slashes after it (what /^(?:\/home\/vcap\/app|\/app)(?:\/+|$)/
 * matches), 0 when it starts with neither (`/application` is not /app).
 */
function appRootLength(p: string): number {
  const root = p.startsWith('/app') ? 4 : p.startsWith('/home/vcap/app') ? 14 : 0
  if (root === 0 || p.length === root) return root
  let end = root
  while (p[end] === '/') end++
  return end === root ? 0 : end
}

/** Whether a path names the platform's app root or a file in it (`/app`, `/app/bin/x`). */
export const onPlatformAppRoot = (p: string): boolean => appRootLength(p) > 0

/**
 * A path from the command line as FileReader keys it: `./config/unicorn.rb` → `config/unicorn.rb`,
 * and the platform's app root taken off (`-c /home/vcap/app/gunicorn_config.py`, `-C /app/config/puma.rb`; `/app` itself is '').
 */
export function appPath(p: string): string {
  return withoutLeadingDotSlashes(p.slice(appRootLength(p)))
}

/** `p` without the slashes it ends with (what .replace(/\/+$/, '') gives, without compiling a pattern on every run). */
export function withoutTrailingSlashes(p: string): string {
  let end = p.length
  while (end > 0 && p[end - 1] === '/') end--
  return end === p.length ? p : p.slice(0, end)
}

/** `p` without the `./` it starts with, however many (what .replace(/^(?:\.\/)+/, '') gives). */
export function withoutLeadingDotSlashes(p: string): string {
  let at = 0
  while (p.startsWith('./', at)) at += 2
  return at === 0 ? p : p.slice(at)
}

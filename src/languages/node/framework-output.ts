/**
 * A framework's own build output run with `node` (`node .next/standalone/server.js`, SvelteKit's
 * `node build`), built at deploy and so not in the app: the server it writes loads the app's
 * routes, so the process is read as that framework's server (node.ts ROUTES), not as a file
 * nobody can follow.
 */
import type {FileReader} from '../../model/files.js'
import type {PackageJson} from './package-json.js'

import {fromDefault, type Source} from '../../model/source.js'

interface Output {
  /** The package that writes this output; the app must depend on it. */
  dependency: string
  /** The framework key of node.ts ROUTES. */
  framework: string
  /** The built file (or folder) Node runs, from the app root, without `./`. */
  path: RegExp
  ref: string
  /** What else must hold in the app for the file to be this output. */
  when?: (files: FileReader) => boolean
  what: string
}

const OUTPUTS: Output[] = [
  {
    dependency: 'next',
    framework: 'next',
    // `output: 'standalone'`: next build writes .next/standalone/server.js (in a monorepo, .next/standalone/<app folder>/server.js).
    path: /^\.next\/standalone\/(?:.+\/)?server\.js$/,
    ref: 'https://nextjs.org/docs/app/api-reference/config/next-config-js/output',
    what: "next build (output: 'standalone') writes it, a minimal server that serves the app's pages and route handlers",
  },
  {
    dependency: 'next',
    framework: 'next',
    // The image copies .next/standalone onto its WORKDIR and runs `node server.js` there (Next's with-docker example:
    // `COPY --from=builder /app/.next/standalone ./`, `CMD ["node", "server.js"]`); in a monorepo the standalone folder
    // keeps the app's path from the repository root (`node apps/web/server.js`, usesend/useSend). A server.js the
    // repository lacks, run by a Next app whose next.config asks for standalone output.
    path: /^(?:[^/]+\/)*server\.js$/,
    ref: 'https://github.com/vercel/next.js/blob/canary/examples/with-docker/Dockerfile',
    what: "next build (output: 'standalone' in its next.config) writes .next/standalone/server.js, which an image copies onto its WORKDIR and runs there (a minimal server that serves the app's pages and route handlers)",
    when: (files) => ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs', 'next.config.mts'].some((f) => /\boutput\s*:[^,}\n]*['"]standalone['"]/.test(files.read(f)?.text ?? '')),
  },
  {
    dependency: '@sveltejs/adapter-node',
    framework: 'sveltekit',
    // adapter-node writes its server to `out`, default `build`: `node build` or `node build/index.js`.
    path: /^build(?:\/index\.js)?\/?$/,
    ref: 'https://svelte.dev/docs/kit/adapter-node',
    what: "vite build with SvelteKit's adapter-node writes it (its `out` folder, build/ by default), a server that runs the app's hooks and routes",
  },
  {
    dependency: 'nuxt',
    framework: 'nuxt',
    path: /^\.output\/server\/index\.mjs$/,
    ref: 'https://nuxt.com/docs/getting-started/deployment#nodejs-server',
    what: "nuxt build writes it, the Nitro server that runs the app's server/ handlers",
  },
  {
    dependency: '@astrojs/node',
    framework: 'astro',
    path: /^dist\/server\/entry\.mjs$/,
    ref: 'https://docs.astro.build/en/guides/integrations-guide/node/',
    what: "astro build with @astrojs/node writes it, the server that renders the app's pages and endpoints",
  },
]

/** The framework whose build output `file` is, when the app depends on it and the file is not in the app; how that was decided, for --explain. */
export function frameworkOutput(files: FileReader, file: string, pkg: PackageJson | undefined, builtFromSource?: () => boolean): {framework: string; how: Source} | undefined {
  const path = file.replace(/^\.\//, '')
  if (!pkg || files.exists(path)) return undefined
  // An output known by its name alone (`server.js`) is not one when the app's own build writes that file from a source (a
  // custom server compiled to dist/server.js): that source is the process's.
  const o = OUTPUTS.find((x) => x.path.test(path) && Object.hasOwn(pkg.dependencies, x.dependency) && (x.when === undefined || (x.when(files) && !builtFromSource?.())))
  if (!o) return undefined
  return {framework: o.framework, how: fromDefault(`${path} is not in the app: ${o.what} (${o.dependency} is in ${pkg.path}), so conncalc read the app's ${o.framework} routes instead`, o.ref)}
}

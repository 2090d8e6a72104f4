/**
 * A prebuilt image a platform file runs (render.yaml `runtime: image`, `image: url: ghcr.io/org/app:latest`) that the
 * repository's own GitHub Actions workflow builds and pushes: docker/build-push-action with `context` (and `file`,
 * default `{context}/Dockerfile`) whose `tags` name the image, directly or through a docker/metadata-action step whose
 * `images` name it (`tags: ${{ steps.meta.outputs.tags }}`). The image is then that Dockerfile's, built from that
 * context (https://github.com/docker/build-push-action#inputs, https://github.com/docker/metadata-action#inputs).
 * A name may come through the workflow's or the job's `env:` (`images: ${{ env.REGISTRY_IMAGE }}`), `${{ github.repository }}`
 * (`github.repository_owner`, `github.event.repository.name`: this checkout's repository, from package.json's `repository`,
 * .git/config, …), or `outputs: type=image,name=…` (a push by digest). An owner written as a secret or a variable
 * (`${{ secrets.DOCKER_USERNAME }}/${{ github.event.repository.name }}`) is the image the platform file names when that
 * image's owner/name is this repository's, and said so (https://docs.github.com/en/actions/learn-github-actions/contexts).
 * Pure: files come through a FileReader.
 */
import {posix} from 'node:path'

import type {FileReader} from '../model/files.js'

import {parseYaml} from '../util/yaml.js'
import {repositorySignals} from './render-repo.js'

export const BUILD_PUSH_REF = 'https://github.com/docker/build-push-action#inputs'
const WORKFLOWS = '.github/workflows'

export interface RepoImage {
  /** The build context, from the repository root ('' the root). */
  context: string
  /** The Dockerfile, from the repository root. */
  dockerfile: string
  /** The workflow and the line of its build-push-action step. */
  file: string
  line: number
  /** The workflow's name for the image when its owner is a secret or a variable (`${{ secrets.DOCKER_USERNAME }}/app`). */
  ownerUnknown?: string
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** `ghcr.io/Org/App:latest`, `docker.io/org/app@sha256:…` → `ghcr.io/org/app`: the repository, without tag or digest. */
function repository(ref: string): string {
  const noDigest = ref.trim().split('@')[0]
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  // Docker Hub's names: `docker.io/org/app` is `org/app`, `docker.io/library/node` is `node`.
  return (colon > slash ? noDigest.slice(0, colon) : noDigest)
    .toLowerCase()
    .replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '')
    .replace(/^library\//, '')
}

/** The image names a `tags` or `images` input lists: one per line or comma, `name=…,enable=…` metadata forms left out. */
const names = (input: string): string[] =>
  input
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !/^\w+=/.test(s))

/** A path an action input gives (`./server`, `server/`), from the repository root. */
const fromRoot = (p: string): string => posix.normalize(p.trim()).replace(/^\.\/?$/, '').replace(/^\.\//, '').replace(/\/$/, '')

/** Where the repository's workflow builds `image` (a URL as the platform file writes it), or undefined. */
export function repoBuiltImage(files: FileReader, image: string): RepoImage | undefined {
  const want = repository(image)
  // This checkout's repository (owner/name), for `${{ github.repository }}` and an owner the workflow keeps in a secret.
  let here: string | undefined | null = null
  const repo = (): string | undefined => (here === null ? (here = repositorySignals(files).find((s) => s.names.includes('/'))?.names) : here)
  for (const name of files.list(WORKFLOWS).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const path = `${WORKFLOWS}/${name}`
    const text = files.read(path)?.text
    if (!text || !text.includes('build-push-action')) continue
    const yaml = parseYaml(text, path)
    const jobs = isObj(yaml.value) && isObj(yaml.value.jobs) ? yaml.value.jobs : {}
    const top = isObj(yaml.value) && isObj(yaml.value.env) ? yaml.value.env : {}
    for (const [jobName, job] of Object.entries(jobs)) {
      const steps = isObj(job) && Array.isArray(job.steps) ? job.steps : []
      const env = {...top, ...(isObj(job) && isObj(job.env) ? job.env : {})}
      // `${{ env.X }}` and the github context's names of this repository; any other expression is left as written.
      const expand = (input: string, depth = 0): string =>
        input.replaceAll(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (whole, expr: string) => {
          const fromEnv = /^env\.(\w+)$/.exec(expr)?.[1]
          const value = fromEnv === undefined ? undefined : env[fromEnv]
          if ((typeof value === 'string' || typeof value === 'number') && depth < 3) return expand(String(value), depth + 1)
          const r = expr.startsWith('github.') ? repo() : undefined
          if (r && expr === 'github.repository') return r
          if (r && expr === 'github.repository_owner') return r.slice(0, r.lastIndexOf('/'))
          if (r && expr === 'github.event.repository.name') return r.slice(r.lastIndexOf('/') + 1)
          return whole
        })
      // docker/metadata-action steps of the job, by id: the images their `tags` output names.
      const meta = new Map<string, string[]>()
      for (const step of steps) {
        if (!isObj(step) || !str(step.uses)?.startsWith('docker/metadata-action') || !isObj(step.with)) continue
        meta.set(str(step.id) ?? '', names(expand(str(step.with.images) ?? '')))
      }

      for (const [i, step] of steps.entries()) {
        if (!isObj(step) || !str(step.uses)?.startsWith('docker/build-push-action') || !isObj(step.with)) continue
        const tags = str(step.with.tags) ?? ''
        const viaMeta = /steps\.([\w-]+)\.outputs\.tags/.exec(tags)?.[1]
        // `outputs: type=image,name=ghcr.io/org/app,push-by-digest=true,push=true`: the image pushed by its digest.
        const output = /(?:^|[\s,])name=([^,\s]+)/.exec(expand(str(step.with.outputs) ?? ''))?.[1]
        const tagged = [...names(expand(tags)), ...(viaMeta === undefined ? [] : (meta.get(viaMeta) ?? [])), ...(output ? [output] : [])]
        // An owner kept in a secret or a variable: the same image when the rest of the name matches and the platform
        // file's image is named after this repository.
        const ownerUnknown = (t: string): boolean => {
          const m = /^(.*?)\$\{\{\s*(?:secrets|vars)\.\w+\s*\}\}\/([^/$]+)$/.exec(t.trim())
          if (!m || m[1].includes('${{')) return false
          const registry = (r: string): string => r.split('/').slice(0, -2).join('/')
          return registry(repository(`${m[1]}owner/name`)) === registry(want) && want.endsWith(`/${m[2].toLowerCase()}`) && want.split('/').slice(-2).join('/') === repo()
        }

        const exact = tagged.some((t) => !t.includes('${{') && repository(t) === want)
        const guessed = exact ? undefined : tagged.find((t) => ownerUnknown(t))
        if (!exact && guessed === undefined) continue
        // A context that is a git URL, or an expression, is not a folder of this repository.
        const contextInput = str(step.with.context) ?? '.'
        if (contextInput.includes('${{') || contextInput.includes('://')) continue
        const context = fromRoot(contextInput)
        const fileInput = str(step.with.file)
        if (fileInput?.includes('${{')) continue
        const dockerfile = fileInput ? fromRoot(fileInput) : posix.join(context, 'Dockerfile')
        return {context, dockerfile, file: path, line: yaml.lineOf(['jobs', jobName, 'steps', i]) ?? 1, ...(guessed === undefined ? {} : {ownerUnknown: guessed})}
      }
    }
  }

  return undefined
}

/**
 * A prebuilt image a platform file runs (render.yaml `runtime: image`, `image: url: ghcr.io/org/app:latest`) that the
 * repository's own GitHub Actions workflow builds and pushes: docker/build-push-action with `context` (and `file`,
 * default `{context}/Dockerfile`) whose `tags` name the image, directly or through a docker/metadata-action step whose
 * `images` name it (`tags: ${{ steps.meta.outputs.tags }}`). The image is then that Dockerfile's, built from that
 * context (https://github.com/docker/build-push-action#inputs, https://github.com/docker/metadata-action#inputs).
 * Pure: files come through a FileReader.
 */
import {posix} from 'node:path'

import type {FileReader} from '../model/files.js'

import {parseYaml} from '../util/yaml.js'

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
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** `ghcr.io/Org/App:latest`, `docker.io/org/app@sha256:…` → `ghcr.io/org/app`: the repository, without tag or digest. */
function repository(ref: string): string {
  const noDigest = ref.trim().split('@')[0]
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  return (colon > slash ? noDigest.slice(0, colon) : noDigest).toLowerCase()
}

/** The image names a `tags` or `images` input lists: one per line or comma, `name=…,enable=…` metadata forms left out. */
const names = (input: string): string[] =>
  input
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.includes('${{') && !/^\w+=/.test(s))

/** A path an action input gives (`./server`, `server/`), from the repository root. */
const fromRoot = (p: string): string => posix.normalize(p.trim()).replace(/^\.\/?$/, '').replace(/^\.\//, '').replace(/\/$/, '')

/** Where the repository's workflow builds `image` (a URL as the platform file writes it), or undefined. */
export function repoBuiltImage(files: FileReader, image: string): RepoImage | undefined {
  const want = repository(image)
  for (const name of files.list(WORKFLOWS).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const path = `${WORKFLOWS}/${name}`
    const text = files.read(path)?.text
    if (!text || !text.includes('build-push-action')) continue
    const yaml = parseYaml(text, path)
    const jobs = isObj(yaml.value) && isObj(yaml.value.jobs) ? yaml.value.jobs : {}
    for (const [jobName, job] of Object.entries(jobs)) {
      const steps = isObj(job) && Array.isArray(job.steps) ? job.steps : []
      // docker/metadata-action steps of the job, by id: the images their `tags` output names.
      const meta = new Map<string, string[]>()
      for (const step of steps) {
        if (!isObj(step) || !str(step.uses)?.startsWith('docker/metadata-action') || !isObj(step.with)) continue
        meta.set(str(step.id) ?? '', names(str(step.with.images) ?? ''))
      }

      for (const [i, step] of steps.entries()) {
        if (!isObj(step) || !str(step.uses)?.startsWith('docker/build-push-action') || !isObj(step.with)) continue
        const tags = str(step.with.tags) ?? ''
        const viaMeta = /steps\.([\w-]+)\.outputs\.tags/.exec(tags)?.[1]
        const tagged = [...names(tags), ...(viaMeta === undefined ? [] : meta.get(viaMeta) ?? [])]
        if (!tagged.some((t) => repository(t) === want)) continue
        // A context that is a git URL, or an expression, is not a folder of this repository.
        const contextInput = str(step.with.context) ?? '.'
        if (contextInput.includes('${{') || contextInput.includes('://')) continue
        const context = fromRoot(contextInput)
        const fileInput = str(step.with.file)
        if (fileInput?.includes('${{')) continue
        const dockerfile = fileInput ? fromRoot(fileInput) : posix.join(context, 'Dockerfile')
        return {context, dockerfile, file: path, line: yaml.lineOf(['jobs', jobName, 'steps', i]) ?? 1}
      }
    }
  }

  return undefined
}

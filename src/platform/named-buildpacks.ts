/**
 * The buildpacks an app names in its repository: `.buildpacks` (one URL a line, read by
 * Scalingo's multi-buildpack and heroku-buildpack-multi), else `.render-buildpacks.json`
 * (`{"buildpacks": [URL, …]}`: the list Render's heroku-import v4 builder applies, written by its
 * CLI from the Heroku app's installed buildpacks, https://render.com/docs/migrate-from-heroku),
 * else app.json `buildpacks`. Buildpacks installed on a live app (heroku buildpacks -a APP) decide over all.
 */
import type {FileReader} from '../model/files.js'

import {parseAppJsonFormation} from './formation.js'
import {jsonKeyLine} from '../util/json-lines.js'

export interface NamedBuildpack {
  file: string
  line: number
  /** The git ref after `#` (`heroku-buildpack-python.git#v52`): the buildpack release the app pins. */
  ref?: string
  url: string
}

/** `url#ref` → the ref (a tag such as `v52`, a branch or a commit), else undefined. */
const refOf = (raw: string): string | undefined => /^[^#\s]+#(\S+)/.exec(raw.trim())?.[1]

export function namedBuildpacks(files: FileReader): NamedBuildpack[] {
  const list = files.read('.buildpacks')
  if (list) {
    const urls = list.text.split(/\r?\n/).flatMap((raw, i) => {
      const url = raw.replace(/#.*$/, '').trim()
      const ref = refOf(raw)
      return url ? [{file: list.path, line: i + 1, url, ...(ref ? {ref} : {})}] : []
    })
    if (urls.length > 0) return urls
  }

  const render = files.read(RENDER_BUILDPACKS)
  if (render) {
    const urls = renderBuildpacks(render.text)
    if (urls.length > 0) {
      const line = Math.max(1, jsonKeyLine(render.text, ['buildpacks']))
      return urls.map((url) => {
        const ref = refOf(url)
        return {file: render.path, line, url, ...(ref ? {ref} : {})}
      })
    }
  }

  const appJson = files.read('app.json')
  if (!appJson) return []
  // Invalid app.json is reported by the formation reader (io/scale.ts); here it just names nothing.
  const {buildpacks} = parseAppJsonFormation(appJson.text, appJson.path)
  const line = Math.max(1, jsonKeyLine(appJson.text, ['buildpacks']))
  return buildpacks.map((url) => {
    const ref = refOf(url)
    return {file: appJson.path, line, url, ...(ref ? {ref} : {})}
  })
}

const RENDER_BUILDPACKS = '.render-buildpacks.json'

/** The URLs of `.render-buildpacks.json`'s `buildpacks` list (strings, or `{url}` objects); [] when it is not that shape. */
function renderBuildpacks(text: string): string[] {
  try {
    const list = (JSON.parse(text) as {buildpacks?: unknown})?.buildpacks
    if (!Array.isArray(list)) return []
    return list.flatMap((b) => {
      const url = typeof b === 'string' ? b : typeof b === 'object' && b !== null && typeof (b as {url?: unknown}).url === 'string' ? (b as {url: string}).url : undefined
      return url && url.trim() !== '' ? [url.trim()] : []
    })
  } catch {
    return []
  }
}

/**
 * The buildpacks an app names in its repository: `.buildpacks` (one URL a line, read by
 * Scalingo's multi-buildpack and heroku-buildpack-multi), else app.json `buildpacks`.
 * Buildpacks installed on a live app (heroku buildpacks -a APP) decide over both.
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

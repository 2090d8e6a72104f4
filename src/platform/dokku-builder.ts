/**
 * Which builder Dokku picks for an app with a Dockerfile in its root. Dokku builds with Herokuish
 * buildpacks when `BUILDPACK_URL` is set (a committed `.env`) or a `.buildpacks` file is in the root,
 * with Cloud Native Buildpacks when a `project.toml` is, and otherwise, with a root Dockerfile, builds
 * that Dockerfile (https://dokku.com/docs/deployment/builders/herokuish-buildpacks/#detection,
 * https://dokku.com/docs/deployment/builders/dockerfiles/#detection). The Procfile's commands then run
 * in the image: "the commands in it will be passed to `docker run`", as arguments to the ENTRYPOINT
 * when the Dockerfile sets one (dockerfiles.md, "Procfiles and multiple processes").
 *
 * Heroku never builds a Dockerfile beside a Procfile (only heroku.yml's `build: docker` does), so
 * conncalc takes the Dockerfile's image only where the repository says it deploys on Dokku: an
 * app.json key only Dokku reads (`healthchecks`, `cron`, `scripts.dokku`: Heroku's app.json schema,
 * https://devcenter.heroku.com/articles/app-json-schema, has none of them), or a Dokku file (CHECKS,
 * DOKKU_SCALE). Pure: files come through a FileReader.
 */
import type {FileReader} from '../model/files.js'

import {jsonKeyLine} from '../util/json-lines.js'

export const DOKKU_DOCKERFILE_REF = 'https://dokku.com/docs/deployment/builders/dockerfiles/#procfiles-and-multiple-processes'

/** What says the app deploys on Dokku: a file, and the line when it is an app.json key. */
export interface DokkuSign {
  file: string
  line?: number
  what: string
}

/**
 * Why Dokku builds the root Dockerfile and runs the Procfile in its image, or undefined when it would
 * not (no Dockerfile, a buildpack builder is selected) or nothing says the app deploys on Dokku.
 */
export function dokkuBuildsDockerfile(files: FileReader): DokkuSign | undefined {
  if (!files.exists('Dockerfile') || files.exists('.buildpacks') || files.exists('project.toml')) return undefined
  const dotenv = files.read('.env')
  if (dotenv && /^\s*(?:export\s+)?BUILDPACK_URL\s*=/m.test(dotenv.text)) return undefined
  return dokkuSign(files)
}

function dokkuSign(files: FileReader): DokkuSign | undefined {
  const appJson = files.read('app.json')
  if (appJson) {
    let parsed: unknown
    try {
      parsed = JSON.parse(appJson.text)
    } catch {
      parsed = undefined
    }

    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const o = parsed as Record<string, unknown>
      for (const key of ['healthchecks', 'cron']) {
        if (key in o) return {file: appJson.path, line: Math.max(1, jsonKeyLine(appJson.text, [key])), what: `its \`${key}\` key (Dokku's)`}
      }

      const scripts = o.scripts
      if (scripts && typeof scripts === 'object' && 'dokku' in scripts) {
        return {file: appJson.path, line: Math.max(1, jsonKeyLine(appJson.text, ['scripts', 'dokku'])), what: "its `scripts.dokku` key (Dokku's)"}
      }
    }
  }

  for (const name of ['CHECKS', 'DOKKU_SCALE']) {
    if (files.exists(name)) return {file: name, what: "a file only Dokku reads"}
  }

  return undefined
}

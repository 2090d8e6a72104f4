/**
 * What runs on Heroku's container stack: heroku.yml's `run` commands, and for a type it builds
 * without one, its Dockerfile's ENTRYPOINT and CMD; each in its image, whose ENV is the lowest
 * layer of the type's env (config vars and flags win over it, as `docker run -e` over ENV). With no
 * Procfile and no heroku.yml, a lone Dockerfile is read as the `web` image
 * (`heroku container:push web`), said as an assumption. Pure: files come through a FileReader.
 */
import {posix} from 'node:path'

import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvEntry, EnvLayer} from '../model/env.js'
import type {FileReader, SourceFile} from '../model/files.js'
import type {ImageFiles} from '../model/image-files.js'
import type {RunningEntry} from './running.js'

import {layer} from '../model/env.js'
import {HEROKU_YML_REF, type HerokuYml, parseHerokuYml} from '../platform/heroku-yml.js'
import {type DockerStage, finalStage, imageCommand, parseDockerfile, repoFolder, withEntrypoint} from './dockerfile.js'
import {parseProcfile} from './procfile.js'
import {DOKKU_DOCKERFILE_REF, type DokkuSign} from '../platform/dokku-builder.js'
import {append} from '../util/arrays.js'
import {scriptText} from './run-writes.js'
import {DEFAULT_PATH} from '../util/app-path.js'
import {cargoOutput} from '../languages/common/matchers.js'

const CONTAINER_RUNTIME_REF = 'https://devcenter.heroku.com/articles/container-registry-and-runtime#dockerfile-commands-and-runtime'

/** One process type of a container app. */
export interface ContainerEntry extends RunningEntry {
  /** The repository folder the command starts in (the image's WORKDIR, through `COPY . DEST`); '' the root. */
  cwd: string
  /** The image's ENV: below the app's config vars and flags. */
  image?: EnvLayer
  /** Why what it runs is unknown (a Dockerfile with no CMD): counted as an unknown command. */
  unknownWhy?: string
}

export interface ContainerApp {
  /**
   * No Heroku buildpack sets the env: images are built from Dockerfiles (heroku.yml `build: docker`, a
   * lone Dockerfile), or another platform builds and runs the app (render.yaml, fly.toml).
   */
  built: boolean
  diagnostics: Diagnostic[]
  entries: ContainerEntry[]
  /** The file that says what runs: heroku.yml, or the Dockerfile. */
  file: string
  /** Types heroku.yml builds only as an image for others' commands: 0 dynos unless scaled. */
  idle: {line: number; name: string}[]
  /** The platform that runs the process types, when it is not Heroku (render.yaml, fly.toml): app.json is Heroku's, not read. */
  platform?: string
  /** The Procfile's text when its lines are what runs, in an image (Dokku's Dockerfile builder): DOKKU_SCALE reads its types. */
  procfileText?: string
  /** heroku.yml `setup: config:`: config vars the app is created with (as app.json `env`). */
  setup?: EnvLayer
}

/** An error that leaves nothing to budget: the file and line, and what is wrong. */
export interface ContainerError {
  error: string
  fix: string
}

/** The image a Dockerfile builds, as a process sees it. */
export interface Image {
  command?: {command: string; line: number}
  /** The build context: the Dockerfile's folder ('' the root). */
  context: string
  cwd: string
  env?: EnvLayer
  file: string
  stage?: DockerStage
  /** Why the image cannot be read (the Dockerfile is missing, or has no such stage). */
  unreadable?: string
  /**
   * Scripts its RUNs write with the shell (procfile/run-writes.ts), as repository files at `DOCKERFILE@/abs/path`, each
   * line at the Dockerfile line that wrote it; keyed by the absolute path in the image.
   */
  written?: Map<string, SourceFile>
}

/** What an entry takes from its image: its ENV and the scripts its RUNs wrote. */
export const fromImage = (image: Image | undefined): Pick<ContainerEntry, 'image' | 'imageFiles' | 'written'> => ({
  ...(image?.env ? {image: image.env} : {}),
  ...(image?.written && image.written.size > 0 ? {written: [...image.written.values()]} : {}),
  ...(image?.stage && !image.unreadable ? {imageFiles: imageFilesOf(image, image.stage)} : {}),
})

/** What the image holds from the build, for programs that read files at fixed paths in it (model/image-files.ts). */
function imageFilesOf(image: Image, stage: DockerStage): ImageFiles {
  return {
    baseImage: stage.baseImage ?? stage.base,
    // `COPY . DEST` (the repository's root, stage.repoAt) first: a file another COPY put under DEST is that copy's.
    copies: [
      ...(stage.repoAt && stage.repoAt !== '/' ? [{from: image.context, into: false, to: stage.repoAt}] : []),
      ...stage.copies.filter((c) => !c.whenPresent).map((c) => ({from: posix.join(image.context, c.from), ...(c.ifMissing ? {ifMissing: c.ifMissing} : {}), into: c.into, ...(c.line ? {line: c.line} : {}), to: c.to})),
    ],
    workdir: stage.workdir,
    dockerfile: image.file,
    line: stage.line,
    runs: stage.runs ?? [],
    written: [...(stage.written ?? new Map()).entries()].map(([abs, w]) => ({
      abs,
      ...(w.appends ? {appends: true as const} : {}),
      ...(w.unreadable ? {unreadable: w.unreadable} : image.written?.has(abs) ? {path: image.written.get(abs)!.path} : {}),
    })),
  }
}

/** A stage the user chose (--docker-target, config dockerTarget): built where no deploy file names one, and said. */
export interface StageChoice {
  /** Where it was chosen: `--docker-target web-prod`, `conncalc.yml:4`. */
  from: string
  name: string
  /** Set by readImage when a Dockerfile's stage was chosen by it: a choice nothing used is said (load-app). */
  used?: boolean
}

/** Read heroku.yml and the Dockerfiles it names. */
export function herokuYmlApp(files: FileReader, path = 'heroku.yml', chosen?: StageChoice): ContainerApp | ContainerError {
  const file = files.read(path)
  if (!file) return {error: `${path} cannot be read`, fix: 'check the file'}
  const yml = parseHerokuYml(file.text, file.path)
  if (yml.error) return {error: `${file.path}:${yml.error.line}: ${yml.error.message}`, fix: `fix ${file.path}: Heroku cannot build the app from it either (${HEROKU_YML_REF})`}
  return fromManifest(files, yml, file.path, chosen)
}

function fromManifest(files: FileReader, yml: HerokuYml, path: string, chosen?: StageChoice): ContainerApp | ContainerError {
  const diagnostics: Diagnostic[] = [...yml.diagnostics]
  const buildArgs = new Map(yml.buildConfig.map((e) => [e.name, e]))
  const images = new Map<string, Image>()
  const imageOf = (type: string): Image | undefined => {
    const spec = yml.images.get(type)
    if (!spec) return undefined
    let found = images.get(type)
    if (!found) images.set(type, (found = readImage(files, spec.dockerfile, spec.target ?? chosen, buildArgs, diagnostics)))
    return found
  }

  const entries: ContainerEntry[] = []
  const seen = new Set<string>()
  const add = (name: string, line: number, command: string | undefined, imageName: string | undefined): void => {
    seen.add(name)
    // The release phase is one process on one connection whatever it runs (procfile/release.ts): an unknown command does not change that.
    const unknownWhy = (why: string): {unknownWhy?: string} => (name === 'release' ? {} : {unknownWhy: why})
    const own = imageName ?? (yml.images.has(name) ? name : 'web')
    const image = imageOf(own)
    if (command !== undefined) {
      entries.push({command: image ? inRepo(command, image, files) : command, cwd: image?.cwd ?? '', file: path, line, name, ...fromImage(image)})
      // With no Docker build at all (heroku.yml's `build: languages:`, the buildpack manifest), there is no image to speak of.
      if (!image && yml.images.size > 0) {
        diagnostics.push({
          code: 'missing-config',
          file: path,
          line,
          message: `${name}: heroku.yml builds no \`${own}\` image (build: docker: ${own}: …), so the ENV its command runs with is not known; the command is read with the app's config vars only`,
          processType: name,
          severity: 'info',
        })
      }

      return
    }

    if (!image) {
      entries.push({command: own, cwd: '', file: path, line, name, ...unknownWhy(`heroku.yml gives ${name} no command and builds no \`${own}\` image whose CMD it would run`)})
      return
    }

    if (image.command) {
      entries.push({command: inRepo(image.command.command, image, files), cwd: image.cwd, file: image.file, line: image.command.line, name, ...fromImage(image)})
      return
    }

    const base = image.stage?.base
    entries.push({
      command: base ?? image.file,
      cwd: image.cwd,
      file: image.file,
      line: image.stage?.line ?? 1,
      name,
      ...unknownWhy(image.unreadable ?? `${image.file} sets no CMD or ENTRYPOINT, so the container runs the base image ${base}'s own, which the repository does not say`),
      ...fromImage(image),
    })
  }

  for (const p of yml.run) add(p.name, p.line, p.command, p.image)
  // A `run:` entry that is not a command (`web: 5`) is warned about; its image's CMD is not run in its place.
  for (const name of yml.invalid) seen.add(name)
  // A type heroku.yml builds but gives no run command runs its image's CMD ("If you don't include a run section, Heroku uses the CMD specified in the Dockerfile").
  const idle: ContainerApp['idle'] = []
  for (const [type, spec] of yml.images) {
    if (seen.has(type)) continue
    add(type, spec.line, undefined, type)
    // An image other types run in (`image: django`) is a process type too, but Heroku scales a new type other than web to 0 dynos.
    if (type !== 'web' && type !== 'release' && yml.run.some((p) => p.image === type)) idle.push({line: spec.line, name: type})
  }

  if (yml.release) add('release', yml.release.line, yml.release.command, yml.release.image)
  const setup = yml.setupConfig.length > 0 ? layer(`${path} setup.config`, yml.setupConfig) : undefined
  return {built: yml.images.size > 0, diagnostics, entries, file: path, idle, ...(setup ? {setup} : {})}
}

/**
 * An app with a Dockerfile and neither a Procfile nor heroku.yml: on Heroku it runs as a container
 * only when its image is pushed (`heroku container:push web`), and the image's CMD is the web
 * process. An assumption, said in an info diagnostic by the caller; a Dockerfile with no CMD is an error.
 */
export function dockerfileApp(files: FileReader, path = 'Dockerfile', chosen?: StageChoice): ContainerApp | ContainerError {
  const diagnostics: Diagnostic[] = []
  // The build context is the app root: a Dockerfile named in a subfolder with --root (`docker build -f docker/web/Dockerfile .`)
  // copies the root's files (`COPY Gemfile Gemfile.lock ./`, `COPY . .`), not its own folder's.
  const image = readImage(files, path, chosen, new Map(), diagnostics, '')
  if (image.unreadable) return {error: image.unreadable, fix: 'add a Procfile (`web: …`) that says what runs'}
  const onbuild = image.command ? undefined : goOnbuild(image, files)
  if (onbuild) {
    const entry: ContainerEntry = {command: 'app', cwd: '', file: path, line: image.stage!.line, name: 'web', ...fromImage(image)}
    diagnostics.push({code: 'missing-config', file: path, line: image.stage!.line, message: `${path} sets no CMD: its base image ${image.stage!.base} runs \`go-wrapper run\`, the binary \`app\` its ONBUILD steps build from the build context (\`COPY . /go/src/app\`, \`go-wrapper install\`): the repository's main package (${GOLANG_ONBUILD_REF})`, processType: 'web', severity: 'info'})
    return {built: true, diagnostics, entries: [entry], file: path, idle: []}
  }

  if (!image.command) {
    return {
      error: `no Procfile or heroku.yml, and ${path}:${image.stage?.line ?? 1} sets no CMD or ENTRYPOINT (the base image ${image.stage?.base ?? '?'}'s own would run, which the repository does not say)`,
      fix: 'add a Procfile (`web: …`) or a CMD to the Dockerfile, or pass --procfile PATH',
    }
  }

  const entry: ContainerEntry = {command: inRepo(image.command.command, image, files), cwd: image.cwd, file: path, line: image.command.line, name: 'web', ...fromImage(image)}
  return {built: true, diagnostics, entries: [entry], file: path, idle: []}
}

/**
 * The official golang `onbuild` images (golang:onbuild, golang:1.9-onbuild; deprecated in 2017): WORKDIR /go/src/app,
 * `CMD ["go-wrapper", "run"]`, and ONBUILD `COPY . /go/src/app`, `go-wrapper download`, `go-wrapper install`, so an image
 * built FROM one with no CMD of its own runs the binary `app` built from the build context's main package
 * (docker-library/golang's onbuild Dockerfile; go-wrapper's `run` execs $GOPATH/bin/<the folder's name>). True for such a
 * stage with a Go module or package at the repository root.
 */
const GOLANG_ONBUILD_REF = 'https://github.com/docker-library/golang/blob/c1baf037d71331eb0b8d4c70cff4c29cf124c5e0/1.8/onbuild/Dockerfile'
function goOnbuild(image: Image, files: FileReader): boolean {
  const base = image.stage?.base.toLowerCase() ?? ''
  return /^(?:docker\.io\/)?(?:library\/)?golang:(?:[\w.-]+-)?onbuild$/.test(base) && (files.exists('go.mod') || files.list('').some((n) => n.endsWith('.go')))
}

/**
 * A Procfile that Dokku runs in the root Dockerfile's image (platform/dokku-builder.ts says when): each
 * line runs in the image's WORKDIR (mapped back to the repository through its COPY instructions), with its
 * ENV under the app's config vars, as the ENTRYPOINT's arguments when it has one; the image's absolute
 * paths are read as the repository files copied there. Undefined when the Dockerfile builds no image
 * (no FROM): the Procfile is then read from the root, said by the caller.
 */
export function procfileInImage(files: FileReader, procfile: SourceFile, sign: DokkuSign, chosen?: StageChoice): ContainerApp | ContainerError | undefined {
  const diagnostics: Diagnostic[] = []
  const image = readImage(files, 'Dockerfile', chosen, new Map(), diagnostics)
  const stage = image.stage
  if (chosen && image.unreadable && image.file === 'Dockerfile') return {error: image.unreadable, fix: `pass --docker-target with one of the Dockerfile's stages, or leave it out to read the last`}
  if (image.unreadable || !stage) return undefined
  const parsed = parseProcfile(procfile.text, procfile.path)
  append(diagnostics, parsed.diagnostics)
  const entries: ContainerEntry[] = parsed.entries.map((e) => {
    const run = withEntrypoint(stage, e.command)
    if (run.ignored) {
      diagnostics.push({
        code: 'missing-config',
        file: image.file,
        line: run.line,
        message: `${e.name}: ${image.file}'s ENTRYPOINT is in shell form, so it ignores the arguments Dokku passes it (the Procfile's command) and runs alone: \`${run.command}\` is counted`,
        processType: e.name,
        severity: 'warning',
      })
    }

    return {command: inRepo(run.command, image, files), cwd: image.cwd, file: procfile.path, line: e.line, name: e.name, ...fromImage(image)}
  })
  const at = sign.line === undefined ? sign.file : `${sign.file}:${sign.line}`
  const where = stage.workdir === '/' ? 'its root folder' : `WORKDIR ${stage.workdir}`
  const folder = image.cwd === '' ? 'the repository root' : `the repository's ${image.cwd}/`
  diagnostics.push({
    code: 'missing-config',
    file: procfile.path,
    fix: 'if the app deploys with buildpacks instead (a `.buildpacks` file, or BUILDPACK_URL set on Dokku), add a .buildpacks file so conncalc reads the Procfile from the root',
    message: `the app deploys on Dokku (${at}: ${sign.what}), which builds the root Dockerfile as there is no .buildpacks, BUILDPACK_URL or project.toml: the Procfile's commands run in its image, in ${where} (${folder}), with its ENV${stage.entrypoint?.exec?.length ? ', as arguments to its ENTRYPOINT' : ''} (${DOKKU_DOCKERFILE_REF})`,
    severity: 'info',
  })
  return {built: true, diagnostics, entries, file: procfile.path, idle: [], procfileText: procfile.text}
}

/**
 * The image a Dockerfile builds: its stage `target` (a deploy file's, or a StageChoice the user made, said), else the last
 * stage, as `docker build` with no --target builds.
 */
export function readImage(files: FileReader, dockerfile: string, target: StageChoice | string | undefined, buildArgs: Map<string, EnvEntry>, diagnostics: Diagnostic[], buildContext?: string): Image {
  const path = posix.normalize(dockerfile).replace(/^\.\//, '')
  const file = files.read(path)
  if (!file) return {context: '', cwd: '', file: path, unreadable: `${path} is not in the repository`}
  const parsed = parseDockerfile(file.text, file.path, buildArgs)
  for (const d of parsed.diagnostics) diagnostics.push(d)
  // heroku.yml's Dockerfile path is also its build context: `COPY . DEST` copies that folder. A caller whose platform
  // builds from another folder says which (`fly deploy` sends its working directory, wherever the Dockerfile is).
  const context = buildContext ?? (posix.dirname(path) === '.' ? '' : posix.dirname(path))
  // COPY sources with a wildcard (`COPY ./etc/*.conf /Kiwi/etc/`), matched as Docker does (Go's filepath.Match: `*` and
  // `?` within one path segment, `[…]` a class) against the build context's files: a matching file goes into DEST, a
  // matching folder's contents are copied to DEST (https://docs.docker.com/reference/dockerfile/#copy). A pattern in a
  // folder name is not expanded (the copy is left out, as before).
  for (const s of parsed.stages) {
    if (!s.copies.some((c) => c.glob)) continue
    s.copies = s.copies.flatMap((c) => {
      if (!c.glob) return [c]
      const dir = posix.dirname(c.from) === '.' ? '' : posix.dirname(c.from)
      if (/[*?[]/.test(dir)) return []
      const glob = posix.basename(c.from)
      let re = ''
      for (let i = 0; i < glob.length; i++) {
        const ch = glob[i]
        const end = ch === '[' ? glob.indexOf(']', i + 2) : -1
        if (ch === '*') re += '[^/]*'
        else if (ch === '?') re += '[^/]'
        else if (end !== -1) {
          re += `[${glob.slice(i + 1, end).replace(/^[!^]/, '^').replaceAll('\\', '\\\\')}]`
          i = end
        } else re += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
      }

      const pattern = new RegExp(`^${re}$`)
      const at = posix.join(context, dir).replace(/^\.$/, '')
      const line = c.line === undefined ? {} : {line: c.line}
      return [
        ...files.list(at).filter((n) => pattern.test(n)).map((n) => ({from: posix.join(dir, n), into: true, ...line, to: c.to})),
        ...files.folders(at).filter((n) => pattern.test(n)).map((n) => ({from: posix.join(dir, n), into: false, ...line, to: c.to})),
      ]
    })
  }

  const name = typeof target === 'string' ? target : target?.name
  if (typeof target === 'object') target.used = true
  const stage = finalStage(parsed, name)
  if (!stage) {
    const named = parsed.stages.flatMap((s) => (s.name ? [s.name] : []))
    const why = typeof target === 'object' ? ` (${target.from}; its stages: ${named.join(', ') || 'none named'})` : ''
    // A stage the user named that the file lacks is their input's mistake, not an unknown: an error, with the stages there are.
    if (typeof target === 'object' && name !== undefined) {
      diagnostics.push({code: 'missing-config', file: file.path, fix: named.length > 0 ? `pass --docker-target (or dockerTarget) with one of ${named.join(', ')}` : 'its stages have no names (`FROM image AS NAME`): leave --docker-target out', line: 1, message: `${file.path} has no stage named ${name}${why}: the image that runs is not known`, severity: 'error'})
    }

    return {context: '', cwd: '', file: file.path, unreadable: name === undefined ? `${file.path} has no FROM instruction` : `${file.path} has no stage named ${name}${why}`}
  }

  if (name === undefined) otherFinalStages(parsed.stages, file, stage, diagnostics)
  else if (typeof target === 'object') {
    diagnostics.push({code: 'missing-config', file: file.path, line: stage.line, message: `${file.path}: the image is built with --target ${stage.name} (${target.from}), so stage ${stage.name} is read, not the last stage`, severity: 'info'})
  }

  const inside = repoFolder(stage)
  let command = nodeImageEntrypoint(stage, imageCommand(stage), file.path, diagnostics) ?? baseCommand(stage, file.path, diagnostics)
  let cwd = inside === undefined ? (copiedFolder(stage, context, files, command?.command) ?? context) : posix.join(context, inside).replace(/^\.$/, '')
  // A WORKDIR in a folder the build makes (copiedFolder): the command runs from the nearest repository folder above it
  // after a `cd` into the rest, which the server's analyzer reads as a Procfile's `cd packages/api/dist && node index.js`.
  const made = command && cwd !== '' ? builtBelow(files, cwd) : undefined
  if (made) {
    cwd = made.dir
    command = {...command!, command: `cd ${made.rest} && ${command!.command}`}
  }

  const env = stage.env.length > 0 ? layer(`${file.path} ENV`, stage.env) : undefined
  const written = writtenScripts(stage, file.path, command, diagnostics)
  return {context, cwd, file: file.path, stage, ...(command ? {command} : {}), ...(env ? {env} : {}), ...(written ? {written} : {})}
}

/**
 * The official node images' ENTRYPOINT is docker-entrypoint.sh, which runs `node "$@"` when the first argument starts with
 * `-` or is not a command (`if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || …; then set -- node "$@"; fi`,
 * docker-library/node docker-entrypoint.sh): a Dockerfile that keeps it and sets `CMD ["--max-old-space-size=2048",
 * "main.js"]` or `CMD ["server.js"]` runs node with them. Said; a CMD naming a command (npm, node, sh) is as written.
 */
function nodeImageEntrypoint(stage: DockerStage, command: {command: string; line: number} | undefined, path: string, diagnostics: Diagnostic[]): {command: string; line: number} | undefined {
  const first = stage.cmd?.exec?.[0]
  const base = stage.baseImage ?? stage.base
  if (!command || stage.entrypoint || first === undefined) return command
  // Google's distroless Node.js images (gcr.io/distroless/nodejs22-debian12, nodejs:18) set ENTRYPOINT ["/nodejs/bin/node"]
  // and have no shell: every exec-form CMD is node's arguments (`CMD ["server.js"]` runs node server.js).
  if (/(?:^|\/)distroless\/nodejs(?:\d+)?(?:-debian\d+)?(?::|@|$)/.test(base) && first !== 'node') {
    diagnostics.push({code: 'missing-config', file: path, line: command.line, message: `${path}: the base image ${base} has ENTRYPOINT ["/nodejs/bin/node"], so its CMD is node's arguments: \`node ${command.command}\` (https://github.com/GoogleContainerTools/distroless/blob/main/nodejs/README.md)`, severity: 'info'})
    return {command: `node ${command.command}`, line: command.line}
  }

  if (!/^(?:docker\.io\/)?(?:library\/)?node(?::|@|$)/.test(base)) return command
  if (!first.startsWith('-') && !/^[\w./-]+\.(?:js|mjs|cjs)$/.test(first)) return command
  diagnostics.push({code: 'missing-config', file: path, line: command.line, message: `${path}: CMD starts with \`${first}\`, and the base image ${base} keeps its ENTRYPOINT docker-entrypoint.sh, which runs node with such arguments: \`node ${command.command}\` (https://github.com/nodejs/docker-node/blob/main/docker-entrypoint.sh)`, severity: 'info'})
  return {command: `node ${command.command}`, line: command.line}
}

/** The official php:*-fpm images end with `CMD ["php-fpm"]` (docker-library/php Dockerfile-linux.template). */
const PHP_FPM_IMAGE = /^(?:docker\.io\/)?(?:library\/)?php:\S*fpm/
const PHP_IMAGE_REF = 'https://github.com/docker-library/php/blob/master/Dockerfile-linux.template'

/** The official php:*-apache images end with `CMD ["apache2-foreground"]` (Apache with mod_php, languages/php/apache-prefork.ts). */
const PHP_APACHE_IMAGE = /^(?:docker\.io\/)?(?:library\/)?php:\S*apache/

/** The command a known base image runs when the Dockerfile sets neither CMD nor ENTRYPOINT (the official php:*-fpm: php-fpm; php:*-apache: apache2-foreground), said. */
function baseCommand(stage: DockerStage, path: string, diagnostics: Diagnostic[]): {command: string; line: number} | undefined {
  const base = stage.baseImage ?? stage.base
  const command = PHP_FPM_IMAGE.test(base) ? 'php-fpm' : PHP_APACHE_IMAGE.test(base) ? 'apache2-foreground' : undefined
  if (!command) return undefined
  diagnostics.push({code: 'missing-config', file: path, line: stage.line, message: `${path} sets no CMD: its base image ${base} runs \`${command}\` (its own CMD, ${PHP_IMAGE_REF})`, severity: 'info'})
  return {command, line: stage.line}
}

/**
 * A Dockerfile with several final stages (`web-prod` and `worker-prod`, each FROM a shared base, none built on by a later
 * FROM or `COPY --from`): `docker build` with no --target builds the last, which conncalc reads; an image built elsewhere
 * with `--target` (CI, then Dokku's git:from-image; Dokku's `docker-options` build args) runs another, whose files (a
 * supervisord.conf, an FPM pool) may differ. Said, with the stage read and the others.
 */
function otherFinalStages(stages: DockerStage[], file: SourceFile, chosen: DockerStage, diagnostics: Diagnostic[]): void {
  if (stages.length < 2) return
  const copiedFrom = new Set([...file.text.matchAll(/--from=(\S+)/g)].map((m) => m[1].toLowerCase()))
  const leaves = stages.filter((s, i) => !(s.name !== undefined && (copiedFrom.has(s.name) || stages.slice(i + 1).some((later) => later.base.toLowerCase() === s.name))) && !copiedFrom.has(String(i)))
  if (leaves.length < 2 || !leaves.includes(chosen)) return
  const name = (s: DockerStage): string => s.name ?? `the stage at line ${s.line}`
  const others = leaves.filter((s) => s !== chosen)
  diagnostics.push({
    code: 'missing-config',
    file: file.path,
    fix: `if the image that runs is built with --target ${others[0].name ?? 'NAME'} (CI, a registry image), say so: --docker-target ${others[0].name ?? 'NAME'} (or dockerTarget in conncalc.yml)`,
    line: chosen.line,
    message: `${file.path} has ${leaves.length} final stages (${leaves.map((s) => name(s)).join(', ')}); with no --target, \`docker build\` builds the last, ${name(chosen)}: assumed to be the image that runs, and read (${others.map((s) => name(s)).join(', ')} not read)`,
    severity: 'info',
  })
}

/**
 * The files the final stage's RUNs wrote as readable scripts (`DOCKERFILE@/usr/local/bin/entrypoint.sh`); one the image's
 * command names but whose writing was not read is said (info) with why, and stays unknown.
 */
function writtenScripts(stage: DockerStage, dockerfile: string, command: Image['command'], diagnostics: Diagnostic[]): Map<string, SourceFile> | undefined {
  if (!stage.written || stage.written.size === 0) return undefined
  const out = new Map<string, SourceFile>()
  for (const [abs, w] of stage.written) {
    if (w.unreadable) {
      if (command && command.command.includes(abs)) {
        diagnostics.push({code: 'unknown-config-value', file: dockerfile, line: w.unreadable.line, message: `${abs}, which the image runs, is written by a RUN: ${w.unreadable.why}; what it runs is not known`, severity: 'info'})
      }

      continue
    }

    out.set(abs, {path: `${dockerfile}@${abs}`, text: scriptText(w)})
  }

  return out.size > 0 ? out : undefined
}

/**
 * The WORKDIR's repository folder when a folder of the repository, not all of it, was copied there
 * (`COPY backend /app` with WORKDIR /app is backend/; Docker copies a folder's contents, not the folder).
 * The last such copy wins, as its files are the ones on top; undefined when none covers the WORKDIR.
 */
function copiedFolder(stage: DockerStage, context: string, files: FileReader, command?: string): string | undefined {
  for (const c of stage.copies.toReversed()) {
    if (c.whenPresent || !(stage.workdir === c.to || stage.workdir.startsWith(`${c.to}/`))) continue
    const from = posix.join(context, c.from)
    const parent = posix.dirname(from) === '.' ? '' : posix.dirname(from)
    // A folder a builder stage made inside a repository folder, copied to a path of its own (`COPY --from=builder
    // /app/apps/api/dist ./apps/api/dist`, then `WORKDIR /app/apps/api/dist` and `node main.js`: refly-ai/refly): the
    // command runs in that build output, read from its package's sources as a missing dist/ is. Not a copy into a folder
    // (`COPY --from=builder /app/dist ./` beside the package.json it copies too), nor one whose parent the repository lacks
    // (cargo's target/release).
    const built = c.fromStage && !c.into && (parent === '' || files.folders(posix.dirname(parent) === '.' ? '' : posix.dirname(parent)).includes(posix.basename(parent)))
    if (!files.folders(parent).includes(posix.basename(from)) && !built) continue
    return posix.join(from, posix.relative(c.to, stage.workdir))
  }

  return assembledFrom(stage, context, files, command)
}

/**
 * A WORKDIR put together from one repository folder's files and folders under their own names (`COPY run/package.json ./`,
 * `COPY run/api ./api`, `COPY run/index.js .`): that folder, when more than half the copies into the WORKDIR come from it
 * and every one keeps its name; else undefined. Absolute paths still map each to its own copy (inRepo).
 */
function assembledFrom(stage: DockerStage, context: string, files: FileReader, command?: string): string | undefined {
  // A mix release copied onto the WORKDIR (`COPY --from=builder /app/_build/prod/rel/app ./`, its rel/overlays kept as
  // whenPresent copies) is what the WORKDIR holds: a folder copied beside it (`… /app/priv/static ./static`) is not.
  if (stage.copies.some((c) => c.whenPresent && c.to === stage.workdir)) return undefined
  const parents = new Map<string, number>()
  // The folder whose copy holds the file the image's command runs (`node dist/main.js` with `COPY --from=build
  // /repo/apps/worker/dist ./dist`): apps/worker.
  let runs: string | undefined
  // Folders earlier copies put below the WORKDIR (`COPY --from=builder /app/packages/server/dist ./dist`).
  const filled: string[] = []
  for (const c of stage.copies) {
    // Installed dependencies (a build stage's node_modules) say nothing about where the app's own code is.
    if (c.whenPresent || c.from.split('/').includes('node_modules')) continue
    // A copy into a folder an earlier copy put there (`COPY --from=builder /app/packages/server/src/mail/templates
    // ./dist/mail/templates`: files added to the build output) does not make the folder unknown: that copy said where
    // the code is. When its path does name a folder (`COPY --from=css /opt/app/static/css/app.css /opt/app/static/…`
    // from a stage whose /opt/app is backend/app), it counts like any other copy (hotosm/field-tm: backend).
    const intoFilled = filled.some((t) => c.to.startsWith(`${t}/`))
    if (!c.into && c.to.startsWith(`${stage.workdir}/`)) filled.push(c.to)
    const from = posix.join(context, c.from)
    const parent = posix.dirname(from) === '.' ? '' : posix.dirname(from)
    const isFile = files.exists(from)
    // A file into the WORKDIR, or a folder (or file) at WORKDIR/its own name.
    const named = (c.into && isFile && c.to === stage.workdir) || c.to === posix.join(stage.workdir, posix.basename(c.from))
    // A path kept below the WORKDIR as it is below a folder (`COPY --from=build /app/apps/api/dist/server.js ./dist/server.js`
    // from a stage that copied the repository to /app: apps/api/dist/server.js at WORKDIR/dist/server.js): that folder.
    const rel = c.into ? undefined : posix.relative(stage.workdir, c.to)
    const kept = rel !== undefined && rel.includes('/') && !rel.startsWith('..') && !posix.isAbsolute(rel) && from.endsWith(`/${rel}`) ? from.slice(0, -rel.length - 1) : undefined
    const folder = named ? parent : kept
    // A build output whose folder is not in the repository (`COPY --from=builder /app/target/release/api api`: cargo's
    // target/release) says nothing about where the app's code is.
    if (folder !== undefined && folder !== '' && c.fromStage && !isFile && !files.folders(posix.dirname(folder) === '.' ? '' : posix.dirname(folder)).includes(posix.basename(folder))) continue
    if (folder !== undefined) {
      parents.set(folder, (parents.get(folder) ?? 0) + 1)
      const target = c.into && isFile ? posix.join(c.to, posix.basename(c.from)) : c.to
      if (command && runs === undefined && commandWords(command).some((w) => !w.startsWith('-') && !w.startsWith('/') && /[./]/.test(w) && inside(posix.resolve(stage.workdir, w), target))) runs = folder
    } else if (!intoFilled && (c.to === stage.workdir || c.to.startsWith(`${stage.workdir}/`))) return undefined
  }

  // What a build made and put in the WORKDIR (`cp target/ROOT.war /app/main.war` in a stage that built from the
  // repository's root, then `COPY --from=dist /app /app`) is of the folder the build ran in, as much as a copy is: one
  // helper file copied beside it (`COPY src/main/java/HealthCheck.java /app/`) does not make the WORKDIR that file's
  // folder (hapifhir/hapi-fhir-jpaserver-starter). Where the build ran is not known: it is no folder's.
  let unplaced = 0
  for (const b of stage.built ?? []) {
    if (posix.dirname(b.to) !== stage.workdir) continue
    if (b.folder === undefined) {
      unplaced++
      continue
    }

    const folder = posix.join(context, b.folder).replace(/^\.$/, '')
    parents.set(folder, (parents.get(folder) ?? 0) + 1)
    if (command && runs === undefined && commandWords(command).some((w) => !w.startsWith('-') && inside(posix.resolve(stage.workdir, w), b.to))) runs = folder
  }

  // Most of them from one folder (a key file copied from the root beside them does not change where the code is); as
  // many from two: the one that holds what the command runs.
  const total = [...parents.values()].reduce((a, b) => a + b, 0) + unplaced
  const [best, second] = [...parents.entries()].sort((a, b) => b[1] - a[1])
  if (best && best[1] * 2 > total) return best[0]
  return best && second && best[1] === second[1] && runs !== undefined && parents.get(runs) === best[1] ? runs : undefined
}

/** A folder `dir` of the repository that is not there (a build output): the nearest folder above it that is, and the rest. */
function builtBelow(files: FileReader, dir: string): {dir: string; rest: string} | undefined {
  const isFolder = (d: string): boolean => files.folders(posix.dirname(d) === '.' ? '' : posix.dirname(d)).includes(posix.basename(d))
  if (isFolder(dir)) return undefined
  let above = dir
  while (above !== '' && !isFolder(above)) above = posix.dirname(above) === '.' ? '' : posix.dirname(above)
  return {dir: above, rest: posix.relative(above || '.', dir)}
}

/** The words of an image command (a JSON-array CMD as written, or a shell line): enough to see which files it names. */
const commandWords = (command: string): string[] => command.replaceAll(/[[\]",]/g, ' ').split(/\s+/).filter(Boolean)
/** Whether image path `p` is `to` or below it. */
const inside = (p: string, to: string): boolean => p === to || p.startsWith(`${to}/`)

/**
 * A command's absolute paths inside the copied repository (`/myapp/bin/start.sh` after
 * `COPY . /myapp`) as paths from the folder it runs in, so the repository's files are read.
 */

export function inRepo(command: string, image: Image, files: FileReader): string {
  const stage = image.stage
  if (!stage) return command
  // Where each absolute path of the image comes from in the repository: `COPY . /app` (a folder), `COPY entrypoint.sh /` (a file).
  const mounts: {from: string; to: string; whenPresent?: true}[] = stage.copies.map((c) => {
    const from = posix.join(image.context, c.from)
    // A cargo binary (`COPY --from=rust /src/target/release/api /usr/local/bin/`) is a file, though the repository lacks it.
    const file = files.exists(from) || cargoOutput(from) !== undefined
    return {from, to: c.into && file ? posix.join(c.to, posix.basename(c.from)) : c.to, ...(c.whenPresent ? {whenPresent: c.whenPresent} : {})}
  })
  const repoMount = stage.repoAt && stage.repoAt !== '/' ? {from: image.context, to: stage.repoAt} : undefined
  if (repoMount) mounts.push(repoMount)
  if (mounts.length === 0 && !image.written) return command
  // A bare program the image has on its PATH because a COPY put it there (`COPY --from=build /app/target/release/api
  // /usr/local/bin/api`, then `CMD ["api"]`): the shell finds it in the first PATH folder that holds it, so it is that file.
  // (A copy into a folder puts a file under its own name; one of a build output, not in the repository, is taken as a file.)
  const bare = /^(\s*)([\w.+-]+)(?=\s|$)/.exec(command)
  const copy = bare ? DEFAULT_PATH.flatMap((d) => stage.copies.filter((c) => (c.into ? posix.join(c.to, posix.basename(c.from)) : c.to) === `${d}/${bare[2]}`)).at(0) : undefined
  let line = command
  if (bare && copy) {
    const rel = posix.relative(image.cwd || '.', posix.join(image.context, copy.from)) || '.'
    line = `${bare[1]}${rel.startsWith('.') ? rel : `./${rel}`}${command.slice(bare[0].length)}`
  } else if (bare) {
    // A folder of the app that the Dockerfile's ENV puts on the PATH (`ENV PATH /var/lib/hypothesis/bin:$PATH` after
    // `COPY . .` into /var/lib/hypothesis, then `CMD ["init-env", …]`): the shell finds the app's script there first.
    const envPath = stage.env.filter((e) => e.name === 'PATH').at(-1)?.value ?? ''
    const dirs = envPath.split(':').filter((d) => d.startsWith('/') && !DEFAULT_PATH.includes(d))
    const found = dirs.map((d) => `${d}/${bare[2]}`).find((abs) => mounts.some((x) => (abs === x.to || abs.startsWith(`${x.to}/`)) && files.exists(posix.join(x.from, abs.slice(x.to.length).replace(/^\/+/, '')))))
    if (found) line = `${bare[1]}${found}${command.slice(bare[0].length)}`
  }

  // A program named by a path from the WORKDIR (`ENTRYPOINT ["./zero2prod"]` after `COPY --from=builder
  // /app/target/release/zero2prod zero2prod`): its image path, mapped below like an absolute one, when a copy other
  // than the repository's own put something there (a path only the repository's copy holds is already right from cwd).
  // Also the script a shell runs (`ENTRYPOINT ["/bin/sh", "./docker-entrypoint.sh"]` after `COPY docker/docker-entrypoint.sh
  // docker-entrypoint.sh`, shlinkio/shlink): `sh [-eux…] PATH` runs PATH from the WORKDIR just as `./PATH` would.
  const relative =
    /^(\s*(?:[A-Za-z_]\w*=\S*\s+)*(?:\/(?:usr\/)?bin\/)?(?:ba|da|a|z)?sh\s+(?:[-+][a-bd-zA-Z]+\s+)*)(?![-+])((?:\.\.?\/)?[\w.+/-]*[\w.+-])(?=\s|$)/.exec(line) ??
    /^(\s*(?:[A-Za-z_]\w*=\S*\s+)*)((?:\.\.?\/)?[\w.+-]+\/[\w.+/-]*[\w.+-])(?=\s|$)/.exec(line)
  if (relative && !(bare && copy)) {
    const abs = posix.resolve(stage.workdir, relative[2])
    const own = mounts.some((x) => x !== repoMount && !x.whenPresent && (abs === x.to || abs.startsWith(`${x.to}/`)))
    if (own) line = `${relative[1]}${abs}${line.slice(relative[0].length)}`
  }

  return line.replaceAll(/(^|[\s'"=])(\/[^\s'";&|]*)/g, (m, pre: string, abs: string) => {
    // A script a RUN wrote there (`echo … > /usr/local/bin/entrypoint.sh`): its readable copy.
    const script = image.written?.get(abs)
    if (script) {
      const rel = posix.relative(image.cwd || '.', script.path)
      return `${pre}${rel.startsWith('.') ? rel : `./${rel}`}`
    }

    const under = (x: {to: string}): boolean => abs === x.to || abs.startsWith(`${x.to}/`)
    const at = (x: {from: string; to: string}): string => posix.join(x.from, abs.slice(x.to.length).replace(/^\/+/, ''))
    // A release's overlays hold only some of its files (bin/server, not the generated bin/NAME): mapped where the file is there.
    // Several copies may fill one folder (`COPY deploy /app`, then `COPY app /app`): the one that has the file, a later one first.
    const candidates = mounts.filter((x) => under(x) && (!x.whenPresent || files.exists(at(x))))
    // `COPY . /app` (the repository) was pushed last and is looked at last: a single file's copy over it wins.
    const later = candidates.filter((x) => x !== repoMount).toReversed()
    const present = (p: string): boolean => files.exists(p) || files.folders(posix.dirname(p) === '.' ? '' : posix.dirname(p)).includes(posix.basename(p))
    const mount = candidates.length > 1 ? ([...later, ...candidates.filter((x) => x === repoMount)].find((x) => present(at(x))) ?? candidates[0]) : candidates[0]
    if (!mount) return m
    const repoPath = at(mount)
    const rel = posix.relative(image.cwd || '.', repoPath || '.') || '.'
    return `${pre}${rel.startsWith('.') ? rel : `./${rel}`}`
  })
}

/** What the caller says about the Procfile beside heroku.yml: Heroku's container stack does not read it. */
export const CONTAINER_IGNORES_PROCFILE = `${HEROKU_YML_REF} ("Heroku uses the run command provided in heroku.yml instead of your Procfile")`
export {CONTAINER_RUNTIME_REF}

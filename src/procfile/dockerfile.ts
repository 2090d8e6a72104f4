/**
 * What a Dockerfile's image runs and the environment it runs with, read as Docker's builder reads
 * the file (https://docs.docker.com/reference/dockerfile/): instructions with their line
 * continuations, heredocs and the `# escape=` directive; stages (`FROM … AS name`, a later
 * `FROM name` inheriting from an earlier one); `ARG` (global before the first FROM, redeclared in a
 * stage) and `ENV` with `$X`, `${X}`, `${X:-d}`, `${X:+d}` substitution; `WORKDIR`; `COPY . DEST`,
 * which says where the repository is inside the image; `ENTRYPOINT` and `CMD` in exec (JSON) or
 * shell form. Pure: text in, image out. Nothing is built or run.
 */
import {posix} from 'node:path'

import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvEntry} from '../model/env.js'

import {fromEnv} from '../model/source.js'
import {type Heredoc, type PhysicalLine, runWrites, type WrittenFile} from './run-writes.js'

const DOCKERFILE_REF = 'https://docs.docker.com/reference/dockerfile/'

/** A command instruction: its form and where it is. */
export interface DockerCommand {
  /** Exec form: the JSON array's strings. */
  exec?: string[]
  line: number
  /** Shell form: the text, run by `/bin/sh -c`. */
  shell?: string
}

/** One stage's state once its instructions ran. */
export interface DockerStage {
  /** The stage's base: another stage's name (inherited from) or an image. */
  base: string
  /** The image its chain of stages starts FROM (its own base when that is an image). */
  baseImage?: string
  cmd?: DockerCommand
  /** `COPY SRC DEST` from the build context (not `--from`): a repository path and where it lands, absolute; `into` when DEST is a folder (`/bin/`, or several sources). */
  copies: {from: string; fromStage?: true; glob?: true; ifMissing?: true; into: boolean; line?: number; to: string; whenPresent?: true; toWorkdir?: true}[]
  entrypoint?: DockerCommand
  /** ENV (and the ARG values ENV read), in order; later wins. */
  env: EnvEntry[]
  line: number
  name?: string
  /**
   * Folders a `turbo prune` RUN wrote that mirror the repository's layout, cut to the workspaces one package needs
   * (`out/full` and `out/json` with --docker, else `out`): absolute. A later stage's `COPY --from=… /app/out/full/ .`
   * copies the repository, as far as the pruned package is concerned.
   */
  pruned?: string[]
  /**
   * What a build made that the image holds where no repository file is behind it: a RUN's `cp`/`mv` of a build's output
   * (`cp target/ROOT.war /app/main.war`), or a later stage's COPY --from of one. `to` absolute; `folder` the repository
   * folder the build ran in (the one its working tree mirrors: where it COPYed pom.xml and src/), when that is known.
   */
  built?: {folder?: string; to: string}[]
  /** Where `COPY . DEST` put the repository's root inside the image (absolute), if it did. */
  repoAt?: string
  /** Every RUN's text (continuations joined) and its first line, this stage's and its parents'. */
  runs?: {line: number; text: string}[]
  /** The stage's WORKDIR, absolute; '/' when none is set. */
  workdir: string
  /** Files its RUNs write with the shell (`echo … >> /usr/local/bin/entrypoint.sh`) or a COPY heredoc: absolute path → lines. */
  written?: Map<string, WrittenFile>
}

export interface ParsedDockerfile {
  diagnostics: Diagnostic[]
  stages: DockerStage[]
}

/** One instruction after line continuations are joined: its keyword (upper case), its arguments, its first line. */
interface Instruction {
  args: string
  /** Heredoc bodies (`<<EOF` … `EOF`), in order. */
  heredocs: Heredoc[]
  keyword: string
  line: number
  /** Its physical lines, continuations joined away, with their numbers. */
  parts: PhysicalLine[]
}

/**
 * Parse a Dockerfile. `buildArgs` are the values `--build-arg` gives (heroku.yml's `build: config:`):
 * they fill the ARGs the file declares, as `docker build --build-arg` does; an ARG not declared is
 * not seen by the file. Never throws: what cannot be read is a diagnostic at its line.
 */
export function parseDockerfile(text: string, path: string, buildArgs: Map<string, EnvEntry> = new Map()): ParsedDockerfile {
  const diagnostics: Diagnostic[] = []
  const stages: DockerStage[] = []
  const globalArgs = new Map<string, EnvEntry>()
  let stage: DockerStage | undefined
  // A stage's ARGs: in its scope from their line on (a global ARG only once redeclared).
  let args = new Map<string, EnvEntry>()
  const envOf = (s: DockerStage): Map<string, EnvEntry> => new Map(s.env.map((e) => [e.name, e]))
  for (const ins of instructions(text)) {
    const at = `${path}:${ins.line}`
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'))
      const image = substitute(words[0] ?? '', globalArgs, new Map()).value
      const name = words.length >= 3 && words[1].toLowerCase() === 'as' ? words[2].toLowerCase() : undefined
      const parent = stages.find((s) => s.name !== undefined && s.name === image.toLowerCase())
      stage = parent
        ? {...structuredClone(parent), base: image, baseImage: parent.baseImage ?? parent.base, line: ins.line, name}
        : {base: image, baseImage: image, copies: [], env: [], line: ins.line, name, workdir: '/'}
      stages.push(stage)
      args = new Map()
      continue
    }

    if (ins.keyword === 'ARG') {
      for (const {name, value} of assignments(ins.args, true)) {
        const given = buildArgs.get(name)
        const known = globalArgs.get(name)
        const entry: EnvEntry | undefined = given
          ? {...given}
          : value !== undefined
            ? // A global ARG's default may name an earlier global one (`ARG IMAGE=gcr.io/distroless/nodejs${NODE_VERSION}-debian12`).
              {name, source: fromEnv(name, at), value: substitute(value, stage ? args : globalArgs, stage ? envOf(stage) : new Map()).value}
            : stage && known
              ? known
              : undefined
        if (!stage) {
          if (entry) globalArgs.set(name, entry)
        } else if (entry) args.set(name, entry)
      }

      continue
    }

    if (!stage) continue // only ARG and parser directives may come before the first FROM
    const env = envOf(stage)
    switch (ins.keyword) {
      case 'ENV': {
        // Each assignment sees the ENV before the instruction (Docker substitutes with the values from before it).
        const next: EnvEntry[] = []
        for (const {name, value} of assignments(ins.args, false)) {
          const v = substitute(value ?? '', args, env)
          next.push({name, source: fromEnv(name, at), value: v.value, ...(v.via.length > 0 ? {via: v.via} : {})})
        }

        stage.env = [...stage.env.filter((e) => !next.some((n) => n.name === e.name)), ...next]
        break
      }

      case 'RUN': {
        ;(stage.runs ??= []).push({line: ins.line, text: ins.args})
        // Files its shell writes (`echo '…' >> /usr/local/bin/entrypoint.sh`, `cat <<'EOF' > start.sh`): procfile/run-writes.ts.
        if (/[>]/.test(ins.args)) runWrites(ins.parts, ins.heredocs, stage.workdir, (stage.written ??= new Map()), posix.resolve)
        // `RUN turbo prune @app/api --docker` (npx/bunx/pnpm dlx/yarn too) in a stage holding the repository: it writes
        // the pruned workspace to <out-dir> (default out), json/ and full/ with --docker
        // (https://turborepo.com/docs/reference/prune).
        const prune = /(?:^|[\s;&|(])(?:npx\s+|bunx\s+|pnpm\s+(?:dlx\s+|exec\s+)?|yarn\s+(?:dlx\s+)?)?turbo(?:@\S+)?\s+prune\b([^;&|]*)/.exec(ins.args)
        // The repository copied whole (`COPY . .`), or the workspace root's package.json / turbo.json copied into the folder
        // it runs in (usesend/useSend: `COPY package.json pnpm-lock.yaml pnpm-workspace.yaml turbo.json ./`, `COPY ./apps/web
        // ./apps/web`): turbo reads the workspace from there, and what it writes keeps the repository's paths.
        const workdir = stage.workdir
        if (/(?:^|[\s;&|(])(?:\/bin\/)?(?:cp|mv)\s/.test(ins.args)) shellCopies(ins.args, stage, ins.line)
        const atRoot = (c: DockerStage['copies'][number]): boolean => (c.from === 'package.json' || c.from === 'turbo.json') && (c.into ? c.to : posix.dirname(c.to)) === workdir
        if (prune && (stage.repoAt || stage.copies.some((c) => atRoot(c)))) {
          const rest = prune[1]
          const out = /--out-dir(?:=|\s+)(\S+)/.exec(rest)?.[1] ?? 'out'
          const root = posix.resolve(stage.workdir, unquote(out))
          stage.pruned = /(?:^|\s)--docker\b/.test(rest) ? [posix.join(root, 'full'), posix.join(root, 'json')] : [root]
        }

        break
      }

      case 'WORKDIR': {
        const dir = substitute(unquote(ins.args.trim()), args, env).value
        stage.workdir = posix.resolve(stage.workdir, dir)
        break
      }

      case 'COPY':
      case 'ADD': {
        const words = ins.args.split(/\s+/).filter(Boolean)
        // `COPY <<EOF /entrypoint.sh` (BuildKit): the heredoc's body is the file, as written (COPY expands nothing).
        const doc = /^(?:--\S+\s+)*<<-?\s*["']?[A-Za-z_]\w*["']?\s+(\S+)\s*$/.exec(ins.args.trim())
        if (doc && ins.heredocs.length === 1) {
          const to = posix.resolve(stage.workdir, unquote(doc[1]))
          ;(stage.written ??= new Map()).set(to, {lines: ins.heredocs[0].body})
          break
        }

        // `COPY --from=build /rails /rails`: what an earlier stage copied from the repository, copied on.
        const fromStage = words.find((w) => w.startsWith('--from='))?.slice('--from='.length).toLowerCase()
        const earlier = fromStage === undefined ? undefined : stages.find((s) => s.name === fromStage || String(stages.indexOf(s)) === fromStage)
        if (fromStage !== undefined && !earlier) break
        const paths = words.filter((w) => !w.startsWith('--'))
        const parents = words.includes('--parents')
        const json = paths[0]?.startsWith('[')
        const list = json ? jsonArray(paths.join(' ')) : paths
        if (!list || list.length < 2) break
        const sources = list.slice(0, -1)
        // In the shell form each word is expanded as a shell word, so its quotes are removed (BuildKit's shell lexer,
        // moby/buildkit frontend/dockerfile/shell/lex.go ProcessWord): `COPY --from=builder "/go/build-out/nakama" /nakama/`.
        const word = (w: string): string => (json ? substitute(w, args, env).value : unquote(substitute(w, args, env).value))
        const dest = word(list.at(-1)!)
        const to = posix.resolve(stage.workdir, dest)
        // A folder that exists is copied into (`COPY app.js .`, `COPY x /app` after WORKDIR /app created it), as is `dest/`,
        // and so is a folder of the PATH every Linux base image has (`COPY --from=builder /app/target/release/api
        // /usr/local/bin`: Docker's COPY puts a file into a destination that is an existing directory).
        const into = dest.endsWith('/') || sources.length > 1 || to === stage.workdir || ['/bin', '/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin', '/usr/sbin'].includes(to)
        // Copies an earlier stage made below a path this one copies on, kept after this instruction's own (they are on top).
        const later: DockerStage['copies'] = []
        for (const written of sources) {
          const src = word(written)
          // `ADD https://…/global-bundle.pem /app/root.cert` (or a git URL) fetches it: no file of the build context.
          if (ins.keyword === 'ADD' && /^(?:[a-z][\w+.-]*:\/\/|git@)/i.test(src)) continue
          // `COPY --parents jsapp/svg-icons/ patches/ .`, `COPY --from=build --parents /srv/app/./node_modules/ .` (Dockerfile
          // 1.7): each source keeps its path below DEST, from a `/./` in it when there is one, else all of it: a copy to
          // DEST/that path (https://docs.docker.com/reference/dockerfile/#copy---parents). A wildcard keeps its folders likewise.
          const kept = parents ? keptPath(src) : undefined
          if (kept !== undefined && /[*?[]/.test(posix.dirname(kept))) continue
          const wild = kept !== undefined && /[*?[]/.test(kept)
          const target = kept === undefined || kept === '.' ? to : wild ? posix.join(to, posix.dirname(kept)) : posix.join(to, kept)
          const targetInto = kept === undefined || kept === '.' || wild ? into : false
          // A source is a path in the build context even when written absolute (`COPY /deploy /app` copies deploy/).
          // (`.gitignore`, `.npmrc` keep their dot: only a `./` prefix or the `.` folder itself is dropped.)
          let from: string | undefined = posix.normalize(src).replace(/^\/+/, '').replace(/^\.(?:\/|$)|\/$/g, '')
          if (earlier) {
            // A path inside the earlier stage's copy of the repository is that repository path.
            const abs = posix.resolve(earlier.workdir, src)
            // A file the earlier stage wrote with a RUN (`RUN printf '…' > start.sh`, then `COPY --from=builder /app/start.sh
            // ./`) is that text here, not the repository's file of that name; so are the ones it wrote below a folder copied on.
            const wrote = earlier.written?.get(abs)
            if (wrote) {
              ;(stage.written ??= new Map()).set(targetInto ? posix.join(target, posix.basename(abs)) : target, wrote)
              continue
            }

            for (const [at, w] of earlier.written ?? []) if (at.startsWith(abs === '/' ? '/' : `${abs}/`)) (stage.written ??= new Map()).set(posix.join(target, posix.relative(abs, at)), w)
            // What the earlier stage's build made there comes along as made (`COPY --from=dist /app /app` after its `cp
            // target/ROOT.war /app/main.war`).
            for (const b of earlier.built ?? []) {
              if (b.to === abs) (stage.built ??= []).push({...b, to: targetInto ? posix.join(target, posix.basename(abs)) : target})
              else if (b.to.startsWith(abs === '/' ? '/' : `${abs}/`)) (stage.built ??= []).push({...b, to: posix.join(target, posix.relative(abs, b.to))})
            }

            const overlays = mixReleaseOverlays(earlier, abs)
            if (overlays !== undefined) {
              for (const o of overlays) stage.copies.push({from: o, into: false, to: target, whenPresent: true})
              continue
            }

            const pruned = earlier.pruned?.find((p) => abs === p || abs.startsWith(`${p}/`))
            // Inside the earlier stage's copy of the repository, what its own copies put at that path are on top of it
            // (`COPY . .`, then `RUN cargo build --release && mv ./target/release/crabfit-api ./api`: /usr/src/app/api is
            // target/release/crabfit-api, not the repository's api).
            const own = earlier.repoAt ? copiedAt(earlier, abs) : undefined
            from = pruned
              ? posix.relative(pruned, abs)
              : earlier.repoAt && (abs === earlier.repoAt || abs.startsWith(`${earlier.repoAt}/`))
                ? (own ?? posix.relative(earlier.repoAt, abs))
                : copiedBy(earlier, abs)
            // What the earlier stage put below that path from elsewhere in the repository (`COPY config/database.yml.sample
            // /app/config/database.yml`, a RUN's `cp`) comes along, on top of the repository's own files.
            if (from !== undefined && !pruned) {
              const below = earlier.copies.map((c) => ({at: c.into ? posix.join(c.to, posix.basename(c.from)) : c.to, c})).filter(({at, c}) => !c.whenPresent && !c.glob && at !== abs && at.startsWith(abs === '/' ? '/' : `${abs}/`))
              // A copy the folder's own copy already says (the same repository file at the same place below it) only
              // matters where it puts back what another copy placed there (`COPY config/database.yml /app/config/database.yml`
              // after a sample was copied over it); elsewhere it would read as a second mapping of the image's folders.
              const folder = from
              const same = ({at, c}: {at: string; c: DockerStage['copies'][number]}) => c.from === posix.join(folder, posix.relative(abs, at))
              const placedAt = new Set(below.filter((b) => !same(b)).map((b) => b.at))
              for (const b of below) {
                if (same(b) && !placedAt.has(b.at)) continue
                later.push({from: b.c.from, fromStage: true, ...(b.c.ifMissing ? {ifMissing: true as const} : {}), into: false, line: b.c.line ?? ins.line, to: posix.join(target, posix.relative(abs, b.at))})
              }
            }

            if (from === undefined) {
              // A folder the earlier stage filled piece by piece (`COPY ./package.json ./`, `COPY ./packages/api ./packages/api`,
              // … with WORKDIR /app, then `COPY --from=build /app /app`): Docker copies a folder's contents, so each piece
              // below it lands at the same place below DEST (bluesky-social/atproto's services/*/Dockerfile).
              let pieces = 0
              // A copy `into` a folder at or below SRC (`COPY ./frontend .` in WORKDIR /app/frontend, then `COPY --from=…
              // /app/frontend /app/frontend`) stays one: whether its source is a file (put inside) or a folder (its contents
              // copied there) is known only against the repository (model/image-files.ts), so the folder is not assumed a file.
              const under = (p: string): boolean => p === abs || p.startsWith(abs === '/' ? '/' : `${abs}/`)
              for (const c of earlier.copies) {
                if (c.whenPresent) continue
                if (c.into && under(c.to)) {
                  stage.copies.push({from: c.from, fromStage: true, into: true, line: ins.line, to: posix.join(target, posix.relative(abs, c.to))})
                  pieces++
                  continue
                }

                const at = c.into ? posix.join(c.to, posix.basename(c.from)) : c.to
                if (!at.startsWith(abs === '/' ? '/' : `${abs}/`)) continue
                stage.copies.push({from: c.from, fromStage: true, into: false, line: ins.line, to: posix.join(target, posix.relative(abs, at))})
                pieces++
              }

              // What a RUN built beside those pieces (`COPY packages/api/src /app/packages/api/src/`, `RUN yarn workspace
              // @x/api build`, then `COPY --from=builder /app/packages/api/dist/ /app/dist/`): the folder that holds it mirrors
              // a repository folder, so the output is that folder's (built at deploy, read from its sources as a missing dist is).
              from = pieces === 0 ? mirroredPath(earlier, abs) : undefined
              if (from === undefined) {
                // A build's output from a folder that mirrors the repository's root (`COPY --from=build
                // /src/target/app.jar /app/app.jar` after `COPY pom.xml .` in WORKDIR /src): made by a build there.
                const root = pieces === 0 ? mirroredRoot(earlier, abs)?.root : undefined
                if (root !== undefined && !(earlier.built ?? []).some((b) => b.to === abs)) (stage.built ??= []).push({folder: root, to: targetInto ? posix.join(target, posix.basename(abs)) : target})
                continue
              }
            }
          }

          // A source written as a folder (`COPY server/ .`, `COPY src/ ./src/`): Docker copies its contents, not the folder, to DEST.
          const folder = src.endsWith('/') && src !== '/'
          if (from === '' || from === '.') stage.repoAt = target
          else if (/[*?[]/.test(from)) {
            // `COPY ./etc/*.conf /Kiwi/etc/`: each file the pattern matches goes into DEST (a folder, as Docker requires for
            // a wildcard); matched against the repository by readImage (container.ts expandGlobCopies).
            if (!earlier && !from.startsWith('..')) stage.copies.push({from, glob: true, into: true, line: ins.line, to: target})
          } else if (!from.startsWith('..')) {
            // `into` only because DEST is the WORKDIR, written out as its path (`COPY api /app/api` in WORKDIR /app/api; one
            // source, no trailing slash): a folder source lands at DEST itself (copiedBy). `COPY Cargo.lock .` is not one: `.` says
            // nothing of the source, and a file put into the WORKDIR (its usual meaning) does not make the WORKDIR that file.
            const toWorkdir = targetInto && !folder && target === stage.workdir && sources.length === 1 && !dest.endsWith('/') && dest !== '.'
            stage.copies.push({from, ...(earlier ? {fromStage: true as const} : {}), into: targetInto && !folder, line: ins.line, to: target, ...(toWorkdir ? {toWorkdir: true as const} : {})})
          }
        }

        stage.copies.push(...later)
        break
      }

      case 'CMD':
      case 'ENTRYPOINT': {
        const command = commandOf(ins)
        if (ins.keyword === 'CMD') stage.cmd = command
        else {
          stage.entrypoint = command
          // Setting ENTRYPOINT resets a CMD inherited from the base (Dockerfile reference, "Understand how CMD and ENTRYPOINT interact").
          if (stage.cmd && stage.cmd.line < stage.line) delete stage.cmd
        }

        break
      }

      default: {
        break
      }
    }
  }

  if (stages.length === 0) {
    diagnostics.push({code: 'unparsable-config', file: path, line: 1, message: `${path} has no FROM instruction, so it builds no image (${DOCKERFILE_REF}#from)`, severity: 'warning'})
  }

  return {diagnostics, stages}
}

/** The part of a `COPY --parents` source kept below DEST: after its first `/./`, else the whole path, relative ('.' for the context). */
function keptPath(src: string): string {
  const pivot = src.indexOf('/./')
  const kept = posix.normalize(pivot >= 0 ? src.slice(pivot + 3) : src).replace(/^\/+/, '').replace(/\/+$/, '')
  return kept === '' ? '.' : kept
}

/** The stage an image is built from: `target` (heroku.yml's `build: docker: TYPE: {target: …}`), else the last one. */
export function finalStage(parsed: ParsedDockerfile, target?: string): DockerStage | undefined {
  if (target !== undefined) return parsed.stages.find((s) => s.name === target.toLowerCase())
  return parsed.stages.at(-1)
}

/**
 * The command the image's container starts with, as one shell line: ENTRYPOINT and CMD combined as
 * Docker combines them (an exec-form ENTRYPOINT takes CMD as its arguments; a shell-form one
 * ignores CMD; without ENTRYPOINT, CMD is the command). Heroku runs CMD through a shell so that
 * config vars expand, so an exec-form CMD's words are joined into one line
 * (https://devcenter.heroku.com/articles/container-registry-and-runtime#dockerfile-commands-and-runtime).
 * Undefined when the file sets neither: the base image's own CMD runs, which the file does not say.
 */
export function imageCommand(stage: DockerStage): {command: string; line: number} | undefined {
  const {cmd, entrypoint} = stage
  if (entrypoint?.shell !== undefined) {
    // A shell-form ENTRYPOINT is `/bin/sh -c TEXT`, and a CMD the stage keeps still follows it in the container's argv
    // (buildkit dockerfile2llb dispatchEntrypoint: Entrypoint = withShell(…), Cmd cleared only when the stage set none):
    // sh gives CMD's words to TEXT as $0, $1, … (`ENTRYPOINT /docker-entrypoint.sh $0 $@` with `CMD ["gunicorn", …]`,
    // openfoodfacts/robotoff). Text that names none of them ignores CMD, as Docker's reference says.
    const rest = cmd?.exec ?? (cmd?.shell === undefined ? [] : ['/bin/sh', '-c', cmd.shell])
    if (rest.length > 0 && /\$(?:\{[\d@*]\}|[\d@*])/.test(entrypoint.shell)) return {command: shellWords(['/bin/sh', '-c', entrypoint.shell, ...rest]), line: entrypoint.line}
    return {command: entrypoint.shell, line: entrypoint.line}
  }

  if (entrypoint?.exec) {
    const rest = cmd?.exec ?? (cmd?.shell === undefined ? [] : ['/bin/sh', '-c', cmd.shell])
    const argv = [...entrypoint.exec, ...rest]
    // `ENTRYPOINT []` with `CMD []`: the image starts nothing of its own.
    if (argv.length === 0) return undefined
    return {command: shellWords(argv), line: entrypoint.exec.length > 0 ? entrypoint.line : cmd!.line}
  }

  if (cmd?.shell !== undefined) return {command: cmd.shell, line: cmd.line}
  if (cmd?.exec && cmd.exec.length > 0) return {command: shellWords(cmd.exec), line: cmd.line}
  return undefined
}

/**
 * A command the platform passes to `docker run` in place of CMD (a Dokku Procfile line): an exec-form
 * ENTRYPOINT takes it as its arguments; a shell-form one ignores them and runs alone (Dockerfile
 * reference, "Understand how CMD and ENTRYPOINT interact"). `ENTRYPOINT []` is none.
 */
export function withEntrypoint(stage: DockerStage, command: string): {command: string; ignored?: true; line?: number} {
  const {entrypoint} = stage
  if (entrypoint?.shell !== undefined) return {command: entrypoint.shell, ignored: true, line: entrypoint.line}
  if (entrypoint?.exec && entrypoint.exec.length > 0) return {command: `${shellWords(entrypoint.exec)} ${command}`, line: entrypoint.line}
  return {command}
}

/**
 * The repository path of `abs`, a path no copy of the stage holds (a RUN made it), from the folder above it that the
 * stage's copies mirror: the nearest one whose every copy landing below it, under its own name, comes from one repository
 * folder (`COPY packages/api/package.json /app/packages/api/package.json` and `COPY packages/api/src
 * /app/packages/api/src/`: /app/packages/api is packages/api). A copy under another name (`COPY lerna.json
 * /app/packages/api/src/lerna.ci.json`) says nothing of the folders; two folders disagreeing, or the repository's root, none.
 */
function mirroredPath(stage: DockerStage, abs: string): string | undefined {
  const mirror = mirroredRoot(stage, abs)
  return mirror === undefined || mirror.root === '' ? undefined : posix.join(mirror.root, posix.relative(mirror.dir, abs))
}

/**
 * The nearest folder above `abs` that the stage's copies mirror (mirroredPath) and the repository folder it mirrors
 * (`''` for the root, which mirroredPath leaves out); undefined when none does or two disagree.
 */
function mirroredRoot(stage: DockerStage, abs: string): undefined | {dir: string; root: string} {
  const landed = stage.copies.filter((c) => !c.whenPresent && !c.glob).map((c) => ({at: c.into && posix.basename(c.to) !== posix.basename(c.from) ? posix.join(c.to, posix.basename(c.from)) : c.to, from: c.from})).filter((c) => posix.basename(c.at) === posix.basename(c.from) || c.from === '')
  for (let dir = posix.dirname(abs); dir !== '/' && dir !== '.'; dir = posix.dirname(dir)) {
    const roots = new Set<string>()
    for (const c of landed) {
      if (!c.at.startsWith(`${dir}/`)) continue
      const rel = posix.relative(dir, c.at)
      if (c.from !== rel && !c.from.endsWith(`/${rel}`)) {
        roots.add('\0')
        continue
      }

      roots.add(c.from === rel ? '' : c.from.slice(0, -rel.length - 1))
    }

    // mirroredPath takes only a repository subfolder: a WORKDIR that mirrors the root holds tools' outputs too (`cargo
    // install --root /build` puts bin/ there), and a command's path below it is read from the WORKDIR already.
    const root = roots.size === 1 && !roots.has('\0') ? [...roots][0] : undefined
    if (root !== undefined) return {dir, root}
    if (roots.size > 0) return undefined
  }

  return undefined
}

/** The repository file a copy of the stage put at `abs` itself (not a folder's copy holding it): its path, else undefined. */
function copiedAt(stage: DockerStage, abs: string): string | undefined {
  for (const c of stage.copies.toReversed()) {
    if (c.whenPresent || c.glob) continue
    if ((c.into ? posix.join(c.to, posix.basename(c.from)) : c.to) === abs) return c.from
  }

  return undefined
}

/**
 * The repository path an earlier stage's own copy put at `abs`, when it copied part of the repository, not all of it
 * (`COPY packages/api/src ./packages/api/src`, then `COPY --from=builder /app/packages/api/src ./packages/api/src`).
 * The later copy wins, as its files are on top. A copy into a folder (`COPY a/package.json ./a/`) put its source
 * under its own name there; a path below that name is inside it. Undefined for what the stage made itself
 * (node_modules, a build's output not under any copy) or a copy through a glob.
 */
function copiedBy(stage: DockerStage, abs: string): string | undefined {
  for (const c of stage.copies.toReversed()) {
    if (c.whenPresent) continue
    const to = c.into ? posix.join(c.to, posix.basename(c.from)) : c.to
    if (abs === to) return c.from
    if (abs.startsWith(`${to}/`)) return posix.join(c.from, abs.slice(to.length + 1))
  }

  // A folder copied to the WORKDIR's own path (`WORKDIR /app/api` then `COPY api /app/api`) is read as copied into it
  // (DEST is that folder), but Docker copies a source folder's contents, not the folder: its files are at DEST itself.
  // Only when no copy above has the path (this reading does not know which sources are folders).
  for (const c of stage.copies.toReversed()) {
    if (c.whenPresent || !c.toWorkdir) continue
    if (abs.startsWith(`${c.to}/`) && !abs.startsWith(`${posix.join(c.to, posix.basename(c.from))}/`)) return posix.join(c.from, abs.slice(c.to.length + 1))
  }

  return undefined
}

/**
 * A RUN's `cp SRC DEST` / `mv SRC DEST` of a file the stage holds from the repository (`RUN cp config/database.yml.sample
 * config/database.yml`, internetee/registry's Dockerfile.staging): DEST then holds that repository file, recorded as a copy
 * of it (`from` the repository path, `to` absolute). Only a plain command is read: two paths, options of single letters
 * (`-f`, `-p`; with `-n` only where DEST is not already there: `ifMissing`), no variable, wildcard or redirection; paths from the WORKDIR.
 */
function shellCopies(text: string, stage: DockerStage, line: number): void {
  for (const part of text.split(/&&|\|\||;|\n/)) {
    const words = part.trim().split(/\s+/).filter(Boolean).map((w) => unquote(w))
    if (words.length < 3 || !/^(?:\/bin\/)?(?:cp|mv)$/.test(words[0]) || words.some((w) => /[$*?[\]<>|`]/.test(w))) continue
    const flags = words.slice(1).filter((w) => w.startsWith('-'))
    const paths = words.slice(1).filter((w) => !w.startsWith('-'))
    if (paths.length !== 2 || flags.some((f) => !/^-[fpvn]+$/.test(f))) continue
    const src = posix.resolve(stage.workdir, paths[0])
    const from = stage.repoAt && (src === stage.repoAt || src.startsWith(`${stage.repoAt}/`)) ? posix.relative(stage.repoAt, src) : copiedBy(stage, src)
    const to = posix.resolve(stage.workdir, paths[1])
    if (!from) {
      // A file the build made (`RUN mvn package`, then `cp target/ROOT.war /app/main.war`): kept as made in the folder the
      // build's working tree mirrors, so a later stage that copies /app knows something there is not one of its copies.
      const folder = mirroredRoot(stage, src)?.root
      ;(stage.built ??= []).push({...(folder === undefined ? {} : {folder}), to: paths[1].endsWith('/') || to === stage.workdir ? posix.join(to, posix.basename(src)) : to})
      continue
    }

    stage.copies.push({from, ...(flags.some((f) => f.includes('n')) ? {ifMissing: true as const} : {}), into: paths[1].endsWith('/') || to === stage.workdir, line, to})
  }
}

/**
 * The repository folder a command starts in: the image's WORKDIR, mapped back through `COPY . DEST`
 * (WORKDIR /app with `COPY . /app` is the repository root; /app/backend its backend/ folder).
 * Undefined when the WORKDIR is not inside the copied repository.
 */
export function repoFolder(stage: DockerStage): string | undefined {
  if (!stage.repoAt) return undefined
  const rel = posix.relative(stage.repoAt, stage.workdir)
  if (rel.startsWith('..') || posix.isAbsolute(rel)) return undefined
  return rel
}

/** Words joined into a shell line: a word with spaces or shell syntax is single-quoted; `$X` stays bare so the shell expands it, as Heroku's does. */
function shellWords(words: string[]): string {
  return words.map((w) => (w === '' ? "''" : /[\s'"\\|&;<>()`*?#~]/.test(w) ? `'${w.replaceAll("'", `'\\''`)}'` : w)).join(' ')
}

function commandOf(ins: Instruction): DockerCommand {
  const text = ins.args.trim()
  if (text.startsWith('[')) {
    const exec = jsonArray(text)
    if (exec) return {exec, line: ins.line}
  }

  // Not a JSON array of strings: Docker runs it in shell form, brackets and all.
  return {line: ins.line, shell: text}
}

function jsonArray(text: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(text)
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined
  } catch {
    return undefined
  }
}

/**
 * The file's instructions. Lines ending in the escape character continue on the next; comment
 * lines and empty lines inside a continued instruction are dropped, as BuildKit does; a heredoc
 * (`RUN <<EOF` … `EOF`) is part of its instruction, never read as instructions of its own.
 */
function instructions(text: string): Instruction[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n?|\n/)
  // Parser directives: `# escape=\`` at the very top.
  let escape = '\\'
  for (const l of lines) {
    const m = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(l)
    if (!m) break
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2]
  }

  const out: Instruction[] = []
  let i = 0
  while (i < lines.length) {
    const first = lines[i].trim()
    if (first === '' || first.startsWith('#')) {
      i++
      continue
    }

    const line = i + 1
    let joined = ''
    let current = lines[i]
    const parts: PhysicalLine[] = []
    for (;;) {
      const trimmed = current.replace(/\s+$/, '')
      if (trimmed.endsWith(escape) && i + 1 < lines.length) {
        joined += trimmed.slice(0, -1)
        parts.push({line: i + 1, text: trimmed.slice(0, -1)})
        i++
        // Comment and empty lines inside a continuation are skipped.
        while (i < lines.length && /^\s*(#.*)?$/.test(lines[i]) && i + 1 < lines.length) i++
        current = lines[i]
        continue
      }

      joined += trimmed
      parts.push({line: i + 1, text: trimmed})
      i++
      break
    }

    const m = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(joined)
    if (!m) continue
    const keyword = m[1].toUpperCase()
    // The keyword is not part of the shell text: the first part starts after it.
    if (parts.length > 0) parts[0] = {...parts[0], text: parts[0].text.replace(/^\s*[A-Za-z]+\s*/, '')}
    const heredocs: Heredoc[] = []
    out.push({args: m[2], heredocs, keyword, line, parts})
    // Heredocs: `<<EOF`, `<<-EOF`, `<<"EOF"`; their bodies end at a line that is the word alone.
    for (const h of m[2].matchAll(/<<(-?)\s*(["']?)([A-Za-z_][\w]*)\2/g)) {
      const word = h[3]
      const body: PhysicalLine[] = []
      while (i < lines.length && lines[i].trim() !== word) {
        body.push({line: i + 1, text: h[1] === '-' ? lines[i].replace(/^\t+/, '') : lines[i]})
        i++
      }

      heredocs.push({body, quoted: h[2] !== '', word})
      i++
    }
  }

  return out
}

/**
 * `KEY=value KEY2="v 2"` (or the older `KEY value with spaces` for ENV). For ARG, a name alone
 * declares it without a default (value undefined).
 */
function assignments(args: string, isArg: boolean): {name: string; value?: string}[] {
  const text = args.trim()
  // `ENV KEY value with spaces`: the first word has no `=`, and the rest of the line is the value.
  const first = /^(\S+)\s+(.*)$/s.exec(text)
  if (!isArg && first && !first[1].includes('=')) return /^[A-Za-z_][\w.-]*$/.test(first[1]) ? [{name: first[1], value: unquote(first[2].trim())}] : []
  const out: {name: string; value?: string}[] = []
  for (const word of words(text)) {
    const eq = word.indexOf('=')
    if (eq === -1) {
      if (isArg && /^[A-Za-z_]\w*$/.test(word)) out.push({name: word})
      continue
    }

    const name = word.slice(0, eq)
    if (/^[A-Za-z_][\w.-]*$/.test(name)) out.push({name, value: unquote(word.slice(eq + 1))})
  }

  return out
}

/** Split on unquoted whitespace, keeping the quotes (unquote removes them). */
function words(text: string): string[] {
  const out: string[] = []
  let cur = ''
  let quote = ''
  for (let k = 0; k < text.length; k++) {
    const c = text[k]
    if (quote) {
      if (c === '\\' && quote === '"' && k + 1 < text.length) {
        cur += c + text[++k]
        continue
      }

      if (c === quote) quote = ''
      cur += c
    } else if (c === '"' || c === "'") {
      quote = c
      cur += c
    } else if (/\s/.test(c)) {
      if (cur) out.push(cur)
      cur = ''
    } else cur += c
  }

  if (cur) out.push(cur)
  return out
}

/** Remove shell-style quotes: `"a b"` → `a b`, `'x'` → `x`, `\"` inside double quotes → `"`. */
function unquote(value: string): string {
  let out = ''
  let quote = ''
  for (let k = 0; k < value.length; k++) {
    const c = value[k]
    if (quote) {
      if (c === quote) quote = ''
      else if (c === '\\' && quote === '"' && k + 1 < value.length) out += value[++k]
      else out += c
    } else if (c === '"' || c === "'") quote = c
    else if (c === '\\' && k + 1 < value.length) out += value[++k]
    else out += c
  }

  return out
}

/** Docker's variable substitution in ENV, ARG, WORKDIR, COPY and FROM: `$X`, `${X}`, `${X:-word}`, `${X:+word}`. */
function substitute(value: string, args: Map<string, EnvEntry>, env: Map<string, EnvEntry>): {value: string; via: EnvEntry['source'][]} {
  const via: EnvEntry['source'][] = []
  const lookup = (name: string): EnvEntry | undefined => env.get(name) ?? args.get(name)
  const out = value.replaceAll(/\$(?:\{([A-Za-z_]\w*)(?::([-+])([^}]*))?\}|([A-Za-z_]\w*))/g, (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!
    const e = lookup(name)
    if (e) via.push(e.source)
    const set = e !== undefined && e.value !== ''
    if (op === '-') return set ? e.value : (word ?? '')
    if (op === '+') return set ? (word ?? '') : ''
    return e?.value ?? ''
  })
  return {value: out, via}
}

/**
 * `COPY --from=builder /app/_build/prod/rel/my_app ./`: a Mix release (`mix release` writes it to
 * _build/ENV/rel/NAME). Its bin/NAME is the start script Mix generates (`bin/my_app start` runs the
 * application), and the files of its overlays, "rel/overlays" of the project when that folder exists,
 * are copied as they are into the release's root (bin/server, bin/migrate from `mix phx.gen.release`):
 * https://github.com/elixir-lang/elixir/blob/v1.17.3/lib/mix/lib/mix/tasks/release.ex (":overlays").
 * The repository folders those overlays may come from, through the builder stage's own copies (a
 * later copy first; whether `COPY a b ./` copied a file or a folder's contents is not known here, so
 * the image's reader maps a path only where the file is there); undefined when the path is not a
 * release, [] when the builder did not copy rel/ from the repository.
 */
function mixReleaseOverlays(builder: DockerStage, abs: string): string[] | undefined {
  const m = /^(.*)\/_build\/[^/]+\/rel\/[^/]+$/.exec(abs.replace(/\/+$/, ''))
  if (!m) return undefined
  const overlays = posix.join(m[1] || '/', 'rel/overlays')
  const found: string[] = []
  const under = (dir: string): boolean => overlays === dir || overlays.startsWith(`${dir}/`)
  for (const c of builder.copies.toReversed()) {
    if (under(c.to)) found.push(posix.join(c.from, posix.relative(c.to, overlays)))
  }

  if (builder.repoAt && under(builder.repoAt)) found.push(posix.relative(builder.repoAt, overlays))
  return found
}

/**
 * `rails server` in a repository whose Rails application lives in a folder of its own (an engine's
 * demo app: bin/rails sets `APP_PATH = File.expand_path("../demo/config/application", __dir__)`).
 * Rails changes into the application's folder before it starts the server, so config/puma.rb,
 * config/database.yml and the initializers it reads are that folder's:
 * - railties/lib/rails/command/actions.rb `set_application_directory!`:
 *   `Dir.chdir(File.expand_path("../..", APP_PATH)) unless File.exist?(File.expand_path("config.ru"))`
 * - railties/lib/rails/commands/server/server_command.rb `perform`: `require APP_PATH;
 *   Dir.chdir(Rails.application.root)` before `server.start`
 * - Rails.application.root (railties/lib/rails/engine.rb `find_root_with_flag "config.ru"`): the
 *   nearest folder holding config.ru, from the application's config/ folder upwards, else the
 *   folder the command started in.
 * https://github.com/rails/rails/blob/main/railties/lib/rails/command/actions.rb
 */
import {type FileReader, onceForFiles, type SourceFile} from '../../model/files.js'

import {joinPath} from '../../util/app-path.js'
import {programName} from '../common/setting.js'
import {parseRuby, type Prism, type RubyNode} from './prism.js'

export const RAILS_APP_DIR_REF = 'https://github.com/rails/rails/blob/main/railties/lib/rails/command/actions.rb'
/** Rails.root: Rails::Engine.find_root → find_root_with_flag "config.ru". */
export const RAILS_ROOT_REF = 'https://github.com/rails/rails/blob/main/railties/lib/rails/engine.rb'

export interface RailsAppRoot {
  /** The application's folder, from the folder the command starts in. */
  dir: string
  /** Where APP_PATH is set. */
  file: string
  line: number
}

/** `rails server` / `rails s` (bin/rails, bundle exec rails). */
const isRailsServer = (argv: readonly string[]): boolean => ['rails', 'rails.rb'].includes(programName(argv[0])) && (argv[1] === 'server' || argv[1] === 's')

/**
 * The folder `rails server` runs the application from, when it is not the folder the command starts in;
 * undefined otherwise, or when bin/rails sets APP_PATH in a way conncalc does not read.
 */
export function railsServerRoot(argv: readonly string[], files: FileReader): Promise<RailsAppRoot | undefined> | undefined {
  // Not `rails server` (most types), or no binstub naming APP_PATH: answered at once; asked for every process type.
  if (!isRailsServer(argv)) return undefined
  const binstub = argv[0].replace(/^\.\//, '')
  if (!binstub.includes('/') || files.exists('config/application.rb')) return undefined
  const file = files.read(binstub)
  if (!file || !file.text.includes('APP_PATH')) return undefined
  return appPathRoot(files, file, binstub)
}

async function appPathRoot(files: FileReader, file: SourceFile, binstub: string): Promise<RailsAppRoot | undefined> {
  const parsed = await parseRuby(file.path, file.text)
  if (parsed.errors.length > 0) return undefined
  const P = parsed.prism
  const binDir = binstub.includes('/') ? binstub.slice(0, binstub.lastIndexOf('/')) : ''
  for (const s of parsed.program.statements.body) {
    if (!(s instanceof P.ConstantWriteNode) || s.name !== 'APP_PATH') continue
    const path = expandPath(P, s.value, binDir, binstub)
    // `…/config/application`: the application's folder is two up.
    const m = path === undefined ? undefined : /^(?:(.*)\/)?config\/application(?:\.rb)?$/.exec(path)
    if (!m || !files.exists(`${m[1] ? `${m[1]}/` : ''}config/application.rb`)) return undefined
    const dir = rootFrom(files, m[1] ?? '')
    return dir === '' ? undefined : {dir, file: file.path, line: parsed.lineOf(s.location.startOffset)}
  }

  return undefined
}

/**
 * A path a Ruby expression builds from the file's own place, as an app path: `"REL"` (from the working folder, `cwd`),
 * `__dir__` / `File.dirname(__FILE__)` (the file's folder), `__FILE__`, `A + B` (string concatenation:
 * `File.dirname(__FILE__) + "/config/environment"`), `File.join(A, B, …)` and `File.expand_path(…)` of those; undefined
 * when a part is anything else (a variable, an env var) or the working folder is not known.
 */
function pathExpr(P: Prism, node: RubyNode | null | undefined, binDir: string, binstub: string, cwd: string | undefined): string | undefined {
  const file = (n: RubyNode | null): boolean => (n instanceof P.ConstantReadNode && n.name === 'File') || (n instanceof P.ConstantPathNode && !n.parent && n.name === 'File')
  // A path as written so far: `from` is the app folder it starts at (undefined: the working folder), `rest` the text after.
  type Built = {from?: string; rest: string}
  const built = (n: RubyNode | null | undefined): Built | undefined => {
    if (n instanceof P.StringNode) return {rest: n.unescaped.value}
    if (n instanceof P.SourceFileNode) return {from: binstub, rest: ''}
    if (n instanceof P.ParenthesesNode && n.body instanceof P.StatementsNode && n.body.body.length === 1) return built(n.body.body[0])
    if (!(n instanceof P.CallNode)) return undefined
    const args = n.arguments_?.arguments_ ?? []
    if (n.name === '__dir__' && !n.receiver && args.length === 0) return {from: binDir, rest: ''}
    if (n.name === 'dirname' && file(n.receiver) && args.length === 1 && args[0] instanceof P.SourceFileNode) return {from: binDir, rest: ''}
    if (n.name === '+' && n.receiver && args.length === 1) {
      const [x, y] = [built(n.receiver), built(args[0])]
      return x === undefined || y === undefined || y.from !== undefined ? undefined : {...x, rest: x.rest + y.rest}
    }
    if (n.name === 'join' && file(n.receiver) && args.length > 0) {
      const parts = args.map((x) => built(x))
      if (parts.some((x, i) => x === undefined || (i > 0 && x.from !== undefined))) return undefined
      return {...parts[0], rest: (parts as Built[]).map((x) => x.rest).join('/')}
    }
    if (n.name === 'expand_path' && file(n.receiver)) {
      const resolved = expandPath(P, n, binDir, binstub, cwd)
      return resolved === undefined ? undefined : {from: resolved, rest: ''}
    }
    return undefined
  }

  const b = built(node)
  if (b === undefined) return undefined
  const from = b.from ?? cwd
  // `File.dirname(__FILE__) + "/config/environment"`: the slash after the folder joins, as Ruby's + leaves it.
  return from === undefined || (b.from === undefined && b.rest.startsWith('/')) ? undefined : joinPath(from, b.rest.replace(/^\/+/, ''))
}

/**
 * `File.expand_path("REL", __dir__)` (or `__FILE__`, `File.dirname(__FILE__)`; `::File` too): REL from the file's folder.
 * With no second argument Ruby expands from the working folder: `cwd` when the caller knows it (a Procfile command
 * runs from the app root), else undefined. The one argument may be a path built from the file's place
 * (`File.expand_path(File.dirname(__FILE__) + "/config/environment")`): pathExpr.
 */
export function expandPath(P: Prism, node: RubyNode, binDir: string, binstub: string, cwd?: string): string | undefined {
  const file = (n: RubyNode | null): boolean => (n instanceof P.ConstantReadNode && n.name === 'File') || (n instanceof P.ConstantPathNode && !n.parent && n.name === 'File')
  if (!(node instanceof P.CallNode) || node.name !== 'expand_path' || !file(node.receiver)) return undefined
  const [rel, base] = node.arguments_?.arguments_ ?? []
  if (!(rel instanceof P.StringNode)) return base === undefined ? pathExpr(P, rel, binDir, binstub, cwd) : undefined
  const from =
    base === undefined
      ? cwd
      : base instanceof P.CallNode && base.name === '__dir__' && !base.receiver
      ? binDir
      : base instanceof P.SourceFileNode
        ? binstub
        : base instanceof P.CallNode && base.name === 'dirname' && base.arguments_?.arguments_[0] instanceof P.SourceFileNode
          ? binDir
          : undefined
  return from === undefined ? undefined : joinPath(from, rel.unescaped.value)
}

/** The app path a `require`/`load` argument names when it is built from the file's place (pathExpr), else undefined. */
export function requiredPath(P: Prism, node: RubyNode, binDir: string, binstub: string, cwd?: string): string | undefined {
  return pathExpr(P, node, binDir, binstub, cwd)
}

/** Rails.root: the nearest folder with config.ru from the application's config/ upwards, else the starting folder. */
function rootFrom(files: FileReader, appDir: string): string {
  const parts = [...(appDir === '' ? [] : appDir.split('/')), 'config']
  for (let i = parts.length; i >= 0; i--) {
    const dir = parts.slice(0, i).join('/')
    if (files.exists(dir === '' ? 'config.ru' : `${dir}/config.ru`)) return dir
  }

  return ''
}

/**
 * The Rails application a Rack server's config.ru boots from another folder
 * (`require ::File.expand_path('../spec/dummy/config/environment', __FILE__)`, `require_relative "demo/config/environment"`):
 * the server runs here (its config file is this folder's), but Rails reads config/database.yml and the
 * initializers from Rails.root, found from that application's config/ as above. Undefined when config.ru
 * boots an application of this folder, or requires it in a way conncalc does not read.
 */
export function rackupRailsRoot(files: FileReader): Promise<RailsAppRoot | undefined> | undefined {
  // Asked by every Ruby process type of the app: answered once per file reader, and at once (no promise
  // to wait for) when there is no config.ru requiring config/environment to read.
  return onceForFiles(files, 'rackup-rails-root', () => findRackupRailsRoot(files))
}

function findRackupRailsRoot(files: FileReader): Promise<RailsAppRoot | undefined> | undefined {
  if (files.exists('config/application.rb')) return undefined
  const file = files.read('config.ru')
  if (!file || !file.text.includes('config/environment')) return undefined
  return rackupRoot(files, file)
}

async function rackupRoot(files: FileReader, file: SourceFile): Promise<RailsAppRoot | undefined> {
  const parsed = await parseRuby(file.path, file.text)
  if (parsed.errors.length > 0) return undefined
  const P = parsed.prism
  for (const s of parsed.program.statements.body) {
    if (!(s instanceof P.CallNode) || s.receiver || (s.name !== 'require' && s.name !== 'require_relative')) continue
    const [arg] = s.arguments_?.arguments_ ?? []
    const path = arg instanceof P.StringNode ? (s.name === 'require_relative' ? joinPath('', arg.unescaped.value) : undefined) : arg ? requiredPath(P, arg, '', 'config.ru') : undefined
    const m = path === undefined ? undefined : /^(.+)\/config\/environment(?:\.rb)?$/.exec(path)
    if (!m || !files.exists(`${m[1]}/config/application.rb`)) continue
    const dir = rootFrom(files, m[1])
    return dir === '' ? undefined : {dir, file: file.path, line: parsed.lineOf(s.location.startOffset)}
  }

  return undefined
}

/**
 * pasteAppModule: the module of the app a PasteDeploy ini builds, as `gunicorn --paste FILE[#NAME]` loads it
 * (paste.deploy loadapp: [app:NAME], [pipeline:NAME] ending with an app, [filter-app:NAME] with `next`, `use = config:`).
 */
import {describe, expect, it} from 'vitest'

import {pasteAppModule} from '../../src/languages/python/pasteini.js'

const files: Record<string, string> = {
  'conf/app.ini': '[app:main]\nuse = call:shop.web:make_app\n',
  'conf/factory.ini': '[app:main]\npaste.app_factory = shop.factory:build\n',
  'conf/layered.ini': '[filter-app:main]\nuse = egg:Paste#translogger\nnext = inner\n\n[app:inner]\nuse = config:app.ini\n',
  'conf/pipe.ini': '[pipeline:main]\npipeline = tm\n    shop\n\n[app:shop]\nuse = egg:shop-site#main\n',
  'conf/none.ini': '[server:main]\nuse = egg:waitress#main\n',
}
const read = (p: string): string | undefined => files[p]

describe('pasteAppModule', () => {
  it('reads call:, paste.app_factory, a pipeline\'s last app and an egg\'s package', () => {
    expect(pasteAppModule(read, 'conf/app.ini')).toEqual({file: 'conf/app.ini', line: 2, module: 'shop.web'})
    expect(pasteAppModule(read, './conf/factory.ini')).toEqual({file: 'conf/factory.ini', line: 2, module: 'shop.factory'})
    expect(pasteAppModule(read, 'conf/pipe.ini')).toEqual({egg: 'shop-site', file: 'conf/pipe.ini', line: 6, module: 'shop_site'})
  })

  it('follows a filter-app\'s next and a config: ini in the same folder', () => {
    expect(pasteAppModule(read, 'config:conf/layered.ini')).toEqual({file: 'conf/app.ini', line: 2, module: 'shop.web'})
  })

  it('is undefined for a missing file, section or app', () => {
    expect(pasteAppModule(read, 'conf/none.ini')).toBeUndefined()
    expect(pasteAppModule(read, 'conf/app.ini#other')).toBeUndefined()
    expect(pasteAppModule(read, 'conf/missing.ini')).toBeUndefined()
    expect(pasteAppModule(read, '/etc/app.ini')).toBeUndefined()
  })
})

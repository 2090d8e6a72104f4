import {describe, expect, it} from 'vitest'

import {memoryFiles} from '../../src/model/files.js'
import {gitIgnoredBy} from '../../src/util/git-ignore.js'

describe('gitIgnoredBy', () => {
  it('names the .gitignore line that keeps a file out of git, the last match deciding', () => {
    const files = memoryFiles({
      '.env': '', '.env.local': '', '.gitignore': '# local\n.env*\n!.env\n/build/\n*.pyc\n', 'app/.gitignore': 'secrets.env\n', 'app/secrets.env': '', 'build/x.env': '',
    })
    expect(gitIgnoredBy(files, '.env')).toBeUndefined()
    expect(gitIgnoredBy(files, '.env.local')).toBe('.gitignore:2')
    expect(gitIgnoredBy(files, 'app/.env.production')).toBe('.gitignore:2')
    expect(gitIgnoredBy(files, 'app/secrets.env')).toBe('app/.gitignore:1')
    expect(gitIgnoredBy(files, 'build/x.env')).toBe('.gitignore:4')
    expect(gitIgnoredBy(files, 'app/build/x.env')).toBeUndefined()
    expect(gitIgnoredBy(files, 'deploy/app.env')).toBeUndefined()
  })

  it('reads `**` and anchored patterns', () => {
    const files = memoryFiles({'.gitignore': '**/local/*.env\nconfig/**\n'})
    expect(gitIgnoredBy(files, 'a/b/local/x.env')).toBe('.gitignore:1')
    expect(gitIgnoredBy(files, 'local/x.env')).toBe('.gitignore:1')
    expect(gitIgnoredBy(files, 'config/prod/app.env')).toBe('.gitignore:2')
    expect(gitIgnoredBy(files, 'src/config/app.env')).toBeUndefined()
  })
})

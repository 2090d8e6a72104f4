import {describe, expect, it} from 'vitest'

import {looksLikeNpgsql, parseConnectionString, poolSetting} from '../../src/languages/dotnet/connection-string.js'

describe('Npgsql connection strings', () => {
  it('splits pairs, trims keys, unquotes values (a doubled quote is one quote)', () => {
    expect(parseConnectionString(`Host=db; Password="a;b""c" ;Maximum Pool Size = 20;`)).toEqual([
      {key: 'Host', value: 'db'},
      {key: 'Password', value: 'a;b"c'},
      {key: 'Maximum Pool Size', value: '20'},
    ])
  })

  it('a value with a computed part is unknown', () => {
    expect(parseConnectionString('Host=\u0000;MaxPoolSize=\u0000', '\u0000')).toEqual([{key: 'Host'}, {key: 'MaxPoolSize'}])
  })

  it('knows the pool keywords Npgsql accepts (display or property name, any case) and no others', () => {
    expect(['Maximum Pool Size', 'maxpoolsize', 'MINIMUM POOL SIZE', 'MinPoolSize', 'pooling'].map(poolSetting)).toEqual(['max', 'max', 'min', 'min', 'pooling'])
    // "Max Pool Size" is SqlClient's spelling; Npgsql declares no such synonym.
    expect(poolSetting('Max Pool Size')).toBeUndefined()
  })

  it('tells PostgreSQL strings from SQL Server ones', () => {
    expect(looksLikeNpgsql(parseConnectionString('Server=db;Database=x'))).toBe(true)
    expect(looksLikeNpgsql(parseConnectionString('Data Source=db;Initial Catalog=x'))).toBe(false)
    expect(looksLikeNpgsql(parseConnectionString('localhost:6379'))).toBe(false)
  })
})

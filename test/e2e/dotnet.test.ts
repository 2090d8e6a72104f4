import {rmSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const plan = (name: string, ...args: string[]) => planJson(procfileOf(name), args)

describe('.NET apps (Npgsql pools, one process per dyno)', () => {
  it('dotnet new webapi + EF Core, and a worker service that converts DATABASE_URL: pools from appsettings.Production.json and the code', () => {
    const r = plan('dotnet-webapi-efcore', '--scale', 'web=2', 'worker=1', '--plan', 'standard-0')
    // web: `cd MyApi/bin/publish; ./MyApi` runs MyApi.csproj (the solution's web project);
    // ASP.NET Core's environment is Production, so appsettings.Production.json's
    // Maximum Pool Size=20 wins over appsettings.json: 2 dynos × 1 process × 20 = 40.
    const web = r.type('web')
    expect(web).toMatchObject({connections: 40, connectionsPerProcess: 20, poolPerProcess: 20, processesPerDyno: 1, server: 'kestrel', threadsPerProcess: 20})
    expect(web.sources['pool.DefaultConnection'].source).toEqual({file: 'MyApi/appsettings.Production.json', kind: 'file', line: 4})
    // AddDbContextPool pools contexts, not connections: said, and the number stays the Npgsql pool.
    expect(web.sources['pool.DefaultConnection'].via).toContainEqual(expect.objectContaining({what: expect.stringContaining('AddDbContextPool (MyApi/Program.cs:9) pools DbContext instances, not connections')}))
    // worker: MaxPoolSize = int.Parse(WORKER_POOL_SIZE ?? "5") on the builder made from DATABASE_URL: 1 × 5 = 5.
    expect(r.type('worker')).toMatchObject({connections: 5, poolPerProcess: 5, server: 'dotnet'})
    expect(r.type('worker').sources['pool.DATABASE_URL'].source).toEqual({file: 'MyApi.Worker/Program.cs', kind: 'file', line: 18})
    expect(r.total).toBe(45)
    expect(r.exit).toBe(0)
    expect(JSON.stringify(r)).not.toContain('secret-pw')
  })

  const {app} = tempApps('dotnet-webapi-efcore')
  it('no Procfile: the buildpack\'s default web process is the solution\'s one web project, and its Npgsql pool counts', () => {
    // heroku/buildpacks-dotnet (launch_process.rs): MyApi.sln has one web application (MyApi, Microsoft.NET.Sdk.Web),
    // so `web` is `cd MyApi/bin/publish; ./MyApi --urls http://*:$PORT`; the worker service gets a process named
    // after its assembly, which nothing scales. Pool as with the Procfile: Maximum Pool Size=20 → 2 dynos × 20 = 40.
    const dir = app({})
    rmSync(`${dir}/Procfile`)
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=2', '--plan', 'standard-0'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
    expect(r.type('web')).toMatchObject({command: 'cd MyApi/bin/publish; ./MyApi --urls http://*:$PORT', connections: 40, poolPerProcess: 20, server: 'kestrel'})
    expect(r.diagnostics.find((d) => d.code === 'missing-config')?.message).toContain('https://github.com/heroku/buildpacks-dotnet/blob/')
    expect(r.total).toBe(40)
  })

  it('env vars and the environment decide: ConnectionStrings__X over the files, ASPNETCORE_ENVIRONMENT picks the file', () => {
    // ConnectionStrings__DefaultConnection (double underscore = ':') beats both files: 2 × 7 = 14.
    const env = plan('dotnet-webapi-efcore', '--scale', 'web=2', 'worker=1', '--env', 'ConnectionStrings__DefaultConnection=Host=db;Database=d;Maximum Pool Size=7', '--env', 'WORKER_POOL_SIZE=3')
    expect(env.type('web')).toMatchObject({connections: 14, poolPerProcess: 7})
    expect(env.type('web').sources['pool.DefaultConnection'].source).toEqual({from: '--env', kind: 'env', name: 'ConnectionStrings__DefaultConnection'})
    expect(env.type('worker')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(env.type('worker').sources['pool.DATABASE_URL'].via).toContainEqual({from: '--env', kind: 'env', name: 'WORKER_POOL_SIZE'})
    // Development reads appsettings.Development.json (Maximum Pool Size=3): 2 × 3 = 6.
    const dev = plan('dotnet-webapi-efcore', '--scale', 'web=2', '--env', 'ASPNETCORE_ENVIRONMENT=Development')
    expect(dev.type('web')).toMatchObject({connections: 6, poolPerProcess: 3})
    expect(dev.type('web').sources['pool.DefaultConnection'].source).toEqual({file: 'MyApi/appsettings.Development.json', kind: 'file', line: 9})
  })

  it('Pooling=false is unbounded, and a value the code computes from something unreadable is an assumption', () => {
    const r = plan('dotnet-webapi-efcore', '--scale', 'web=1', 'worker=1', '--env', 'ConnectionStrings__DefaultConnection=Host=db;Pooling=false', '--env', 'WORKER_POOL_SIZE=lots')
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', processType: 'web', severity: 'warning'}))
    // int.Parse("lots") cannot be read: Npgsql's default 100 is used, labelled, and the line is named.
    expect(r.type('worker')).toMatchObject({connections: 100, poolPerProcess: 100})
    expect(r.type('worker').sources['pool.DATABASE_URL'].via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'MyApi.Worker/Program.cs', line: 18}))
  })

  it('dotnet X.dll with the connection string only in a Heroku config var: Npgsql default 100, labelled; over a standard-0', () => {
    const r = plan('dotnet-minimal-api', '--scale', 'web=2', '--plan', 'standard-0')
    // 2 dynos × 100 (Npgsql's default Maximum Pool Size) = 200 > 120.
    expect(r.type('web')).toMatchObject({connections: 200, poolPerProcess: 100, server: 'kestrel'})
    expect(r.type('web').sources['pool.Todos'].source).toMatchObject({kind: 'default', what: 'Npgsql Maximum Pool Size: 100 (since 3.1)'})
    expect(r.type('web').sources['pool.Todos'].via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'Program.cs', line: 6}))
    expect(r.exit).toBe(1)
    // Set it (as `heroku config:set` would) and the string decides: 2 × 25 = 50.
    const set = plan('dotnet-minimal-api', '--scale', 'web=2', '--plan', 'standard-0', '--env', 'ConnectionStrings__Todos=Host=db;Database=todos;Maximum Pool Size=25')
    expect(set.type('web')).toMatchObject({connections: 50, poolPerProcess: 25})
    expect(set.exit).toBe(0)
    expect(set.codes).not.toContain('unresolved-env')
  })

  it('--assume overrides the analysis', () => {
    // 2 dynos × 1 process × min(10 threads, pool 10) = 20.
    const r = plan('dotnet-minimal-api', '--scale', 'web=2', '--plan', 'standard-0', '--assume', 'web=1:10:10')
    expect(r.type('web')).toMatchObject({connections: 20, poolPerProcess: 10, threadsPerProcess: 10})
    expect(r.exit).toBe(0)
  })

  it('the table marks the assumed pool', () => {
    const r = runCliInProcess(['plan', '--procfile', procfileOf('dotnet-minimal-api'), '--scale', 'web=2'])
    expect(r.stdout).toMatch(/^web\s+kestrel\s+2\s+1\s+100\s+100\*/m)
  })

  const blank = tempApps()
  it('Npgsql and the DbContext in a referenced project (`<ProjectReference>`, transitively): its pool counts', () => {
    // btcpayserver/btcpayserver's shape: the web project references Shop.Data, which references Shop.Abstractions, whose
    // PackageReference is Npgsql.EntityFrameworkCore.PostgreSQL and whose code calls UseNpgsql. NuGet flows a
    // referenced project's packages to the app, and its code runs in the app's process. Before: "Shop/Shop.csproj
    // references no Npgsql package and no PostgreSQL connection string was found; counting 1 connection".
    const sdk = (refs: string[], pkgs: string[], web = false): string =>
      [`<Project Sdk="Microsoft.NET.Sdk${web ? '.Web' : ''}">`, '  <PropertyGroup><TargetFramework>net9.0</TargetFramework></PropertyGroup>', '  <ItemGroup>', ...refs.map((r) => `    <ProjectReference Include="${r}" />`), ...pkgs.map((p) => `    <PackageReference Include="${p}" Version="9.0.4" />`), '  </ItemGroup>', '</Project>', ''].join('\n')
    const dir = blank.app({
      'Shop.Abstractions/DbContextFactory.cs': 'using Microsoft.EntityFrameworkCore;\nnamespace Shop.Abstractions;\npublic class Factory {\n  public void Configure(DbContextOptionsBuilder b, string cs) => b.UseNpgsql(cs);\n}\n',
      'Shop.Abstractions/Shop.Abstractions.csproj': sdk([], ['Npgsql.EntityFrameworkCore.PostgreSQL']),
      'Shop.Data/Shop.Data.csproj': sdk(['..\\Shop.Abstractions\\Shop.Abstractions.csproj'], ['Microsoft.EntityFrameworkCore']),
      'Shop.sln': ['Microsoft Visual Studio Solution File, Format Version 12.00', 'Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Shop", "Shop\\Shop.csproj", "{11111111-1111-1111-1111-111111111111}"', 'EndProject', 'Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "Shop.Data", "Shop.Data\\Shop.Data.csproj", "{22222222-2222-2222-2222-222222222222}"', 'EndProject', ''].join('\n'),
      'Shop/Program.cs': 'var builder = WebApplication.CreateBuilder(args);\nvar app = builder.Build();\napp.Run();\n',
      'Shop/Shop.csproj': sdk(['..\\Shop.Data\\Shop.Data.csproj'], [], true),
      'Shop/appsettings.json': '{\n  "AllowedHosts": "*"\n}\n',
      Procfile: 'web: cd Shop/bin/publish; ./Shop --urls http://*:$PORT\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1', '--plan', 'standard-0'])
    // The connection string is set where conncalc cannot see it (a config var): Npgsql's default Maximum Pool Size, 100,
    // assumed, cited at the referenced project's UseNpgsql.
    expect(r.type('web')).toMatchObject({connections: 100, poolPerProcess: 100, server: 'kestrel'})
    expect(r.codes).not.toContain('unknown-command')
    expect(JSON.stringify(r.type('web').sources)).toContain('Shop.Abstractions/DbContextFactory.cs')
  })

  it('`dotnet X.dll` in an image whose project is below the root (src/Api/Api.csproj, AssemblyName X): that project is read', () => {
    // fullstackhero/dotnet-starter-kit's shape: src/Host/FSH.Starter.Api/Dockerfile publishes its csproj to /publish,
    // copies that into /app and runs `dotnet FSH.Starter.Api.dll`; the root holds no solution or project (the solution is
    // src/*.slnx). Before: "cannot tell which project (none found)", 1 connection assumed; and <AssemblyName> (a text-only
    // element, which the XML reader gives as a string) was never read, so a project was known only by its file name.
    const dir = blank.app({
      Dockerfile: [
        'FROM mcr.microsoft.com/dotnet/sdk:9.0 AS build',
        'WORKDIR /src',
        'COPY src/ ./src/',
        'RUN dotnet publish src/Api/Api.csproj -c Release -o /publish',
        '',
        'FROM mcr.microsoft.com/dotnet/aspnet:9.0',
        'WORKDIR /app',
        'COPY --from=build /publish .',
        'ENTRYPOINT ["dotnet", "Shop.Api.dll"]',
        '',
      ].join('\n'),
      'src/Api/Api.csproj': ['<Project Sdk="Microsoft.NET.Sdk.Web">', '  <PropertyGroup>', '    <TargetFramework>net9.0</TargetFramework>', '    <AssemblyName>Shop.Api</AssemblyName>', '  </PropertyGroup>', '  <ItemGroup>', '    <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="9.0.4" />', '  </ItemGroup>', '</Project>', ''].join('\n'),
      'src/Api/Program.cs': 'using Microsoft.EntityFrameworkCore;\nvar builder = WebApplication.CreateBuilder(args);\nbuilder.Services.AddDbContext<ShopDb>(o => o.UseNpgsql(builder.Configuration.GetConnectionString("Shop")));\nvar app = builder.Build();\napp.Run();\n',
      'src/Api/appsettings.json': '{\n  "ConnectionStrings": {\n    "Shop": "Host=db;Database=shop;Maximum Pool Size=30"\n  }\n}\n',
      'src/Shop.slnx': '<Solution>\n  <Project Path="Api/Api.csproj" />\n</Solution>\n',
    })
    const r = planJson(`${dir}/Dockerfile`, ['--root', dir, '--scale', 'web=1', '--plan', 'standard-0'])
    // Maximum Pool Size=30 in src/Api/appsettings.json (the published appsettings.json): 1 × 30.
    expect(r.type('web')).toMatchObject({connections: 30, poolPerProcess: 30, server: 'kestrel'})
    expect(r.type('web').sources['pool.Shop'].source).toEqual({file: 'src/Api/appsettings.json', kind: 'file', line: 3})
    expect(r.codes).not.toContain('unknown-command')
    expect(JSON.stringify(r.type('web').sources)).toContain('src/Api/Api.csproj builds Shop.Api (its assembly name)')
  })
})

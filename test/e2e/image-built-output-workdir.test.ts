/**
 * An image whose WORKDIR holds what a build made, with one helper file copied beside it: hapifhir/hapi-fhir-jpaserver-starter's
 * shape. A build stage copies pom.xml and src/ to /build and runs `mvn package`; a second stage (FROM it) does
 * `RUN mkdir /app && cp /build/target/app.war /app/main.war` and `COPY src/main/java/HealthCheck.java /app/HealthCheck.java`;
 * the runtime stage copies /app whole and runs `java --class-path /app/main.war … PropertiesLauncher`. The war is the
 * build's, made in /build, which mirrors the repository's root: the command runs in the root, where pom.xml is
 * (procfile/dockerfile.ts `built`, procfile/container.ts assembledFrom). Before, the one copied file made /app
 * src/main/java: no pom.xml there, so the jar read as not built from the repository, HikariCP's 10 assumed (`10*`).
 *   Spring Boot 3 (spring-boot-starter-data-jpa, postgresql), spring.datasource.hikari.maximum-pool-size 7
 *   (src/main/resources/application.yml): one JVM per dyno × 7; --scale web=2 → 14.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pom = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<project xmlns="http://maven.apache.org/POM/4.0.0">',
  '  <modelVersion>4.0.0</modelVersion>',
  '  <parent>',
  '    <groupId>org.springframework.boot</groupId>',
  '    <artifactId>spring-boot-starter-parent</artifactId>',
  '    <version>3.3.5</version>',
  '  </parent>',
  '  <groupId>com.example</groupId>',
  '  <artifactId>records</artifactId>',
  '  <version>1.0.0</version>',
  '  <packaging>war</packaging>',
  '  <dependencies>',
  '    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-data-jpa</artifactId></dependency>',
  '    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><scope>runtime</scope></dependency>',
  '  </dependencies>',
  '</project>',
  '',
].join('\n')

const dockerfile = [
  'FROM maven:3.9-eclipse-temurin-21 AS build',
  'WORKDIR /build',
  'COPY pom.xml .',
  'RUN mvn -ntp dependency:go-offline',
  'COPY src/ /build/src/',
  'RUN mvn package -DskipTests',
  '',
  'FROM build AS dist',
  'RUN mkdir /app && cp /build/target/app.war /app/main.war',
  'COPY src/main/java/HealthCheck.java /app/HealthCheck.java',
  'RUN javac /app/HealthCheck.java',
  '',
  'FROM gcr.io/distroless/java21-debian12:nonroot',
  'WORKDIR /app',
  'COPY --from=dist /app /app',
  'ENTRYPOINT ["java", "--class-path", "/app/main.war", "org.springframework.boot.loader.launch.PropertiesLauncher"]',
  '',
].join('\n')

const files = {
  'Dockerfile': dockerfile,
  'pom.xml': pom,
  'src/main/java/HealthCheck.java': 'public class HealthCheck { public static void main(String[] a) { System.exit(0); } }\n',
  'src/main/java/com/example/records/RecordsApplication.java': [
    'package com.example.records;',
    'import org.springframework.boot.SpringApplication;',
    'import org.springframework.boot.autoconfigure.SpringBootApplication;',
    '@SpringBootApplication',
    'public class RecordsApplication { public static void main(String[] args) { SpringApplication.run(RecordsApplication.class, args); } }',
    '',
  ].join('\n'),
  'src/main/resources/application.yml': 'spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 7\n',
}

describe("a WORKDIR holding a build's output and one helper file copied beside it", () => {
  it('runs the command in the folder the build ran in (the root, with pom.xml): Spring Boot, pool 7 per JVM, 2 dynos = 14', () => {
    const r = planJson(join(app(files), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=2'])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 14, dynos: 2, poolPerProcess: 7, processesPerDyno: 1, server: 'spring-boot'})
    expect(r.diagnostics.some((d) => d.message.includes('is not built from this repository'))).toBe(false)
    expect(r.total).toBe(14)
  })

  it('a jar copied on by itself from a build stage beside a file of src/main/resources: the same root', () => {
    // `COPY --from=build /build/target/app.jar /app/app.jar` takes the build's output straight from /build (which mirrors
    // the root); `COPY src/main/resources/logback.xml ./` alone would have made /app src/main/resources.
    const single = [
      'FROM maven:3.9-eclipse-temurin-21 AS build',
      'WORKDIR /build',
      'COPY pom.xml .',
      'COPY src ./src',
      'RUN mvn package -DskipTests',
      'FROM eclipse-temurin:21-jre',
      'WORKDIR /app',
      'COPY --from=build /build/target/app.jar /app/app.jar',
      'COPY src/main/resources/logback.xml ./',
      'CMD ["java", "-jar", "app.jar"]',
      '',
    ].join('\n')
    const r = planJson(join(app({...files, 'Dockerfile': single, 'src/main/resources/logback.xml': '<configuration/>\n'}), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7, server: 'spring-boot'})
    expect(r.diagnostics.some((d) => d.message.includes('is not built from this repository'))).toBe(false)
  })

  it('a build output from a stage whose folder conncalc cannot place still keeps the helper file from deciding alone', () => {
    // The war is fetched into /opt, which mirrors no repository folder: its folder is not known, and one copied file
    // beside it is not a majority. The root (the build context) is read, as with no copies at all.
    const fetched = dockerfile.replace('RUN mkdir /app && cp /build/target/app.war /app/main.war', 'RUN mkdir /app /opt/dl && curl -o /opt/dl/app.war https://example.com/app.war && cp /opt/dl/app.war /app/main.war')
    const r = planJson(join(app({...files, 'Dockerfile': fetched}), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7, server: 'spring-boot'})
  })
})

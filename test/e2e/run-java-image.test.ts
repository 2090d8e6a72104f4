/**
 * run-java.sh, the launcher of Red Hat's UBI OpenJDK images (and fabric8's Java images), as Quarkus's generated
 * src/main/docker/Dockerfile.jvm runs it: `ENV JAVA_APP_JAR="/deployments/quarkus-run.jar"` and
 * `ENTRYPOINT ["/opt/jboss/container/java/run/run-java.sh"]`. The script execs `java … -jar $JAVA_APP_JAR "$@"` when
 * JAVA_MAIN_CLASS is unset (https://github.com/fabric8io-images/run-java-sh README), so the type is the app's JVM.
 *
 * App: fixture quarkus-agroal (application.properties: %prod max-size ${DB_MAX_POOL:12}; a jar runs the prod profile)
 * deployed on Fly with the scaffold's Dockerfile.jvm. Hand: one JVM, Agroal pool 12 → 12 connections on one Machine.
 * Before: "conncalc does not recognise /opt/jboss/container/java/run/run-java.sh", 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('quarkus-agroal')

const dockerfile = (...env: string[]): string =>
  [
    'FROM registry.access.redhat.com/ubi9/openjdk-21:1.20',
    "ENV LANGUAGE='en_US:en'",
    'COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/',
    'COPY --chown=185 target/quarkus-app/*.jar /deployments/',
    'COPY --chown=185 target/quarkus-app/app/ /deployments/app/',
    'COPY --chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/',
    'EXPOSE 8080',
    'USER 185',
    'ENV JAVA_OPTS_APPEND="-Dquarkus.http.host=0.0.0.0 -Djava.util.logging.manager=org.jboss.logmanager.LogManager"',
    ...env,
    'ENTRYPOINT [ "/opt/jboss/container/java/run/run-java.sh" ]',
    '',
  ].join('\n')

const plan = (text: string) => planJson(join(app({'fly.toml': 'app = "orders"\n\n[build]\n  dockerfile = "src/main/docker/Dockerfile.jvm"\n', 'src/main/docker/Dockerfile.jvm': text}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])

describe('run-java.sh (UBI OpenJDK images, Quarkus Dockerfile.jvm)', () => {
  it('neither JAVA_APP_JAR nor JAVA_MAIN_CLASS: the jar it would find in /deployments is not looked for; unknown, said', () => {
    const r = plan(dockerfile())
    expect(r.codes).toContain('unknown-command')
    expect(r.type('app').connections).toBe(1)
  })

  it('ENV JAVA_APP_JAR: the JVM runs that jar, Quarkus with its prod profile, pool 12', () => {
    const r = plan(dockerfile('ENV JAVA_APP_JAR="/deployments/quarkus-run.jar"'))
    expect(r.type('app')).toMatchObject({connections: 12, poolPerProcess: 12, processesPerDyno: 1, server: 'quarkus'})
    expect(r.codes).not.toContain('unknown-command')
  })
})

/** Which JVM framework an app's build names, for the few whose pools are not Spring Boot's. */
import type {AnalyzerContext} from '../common/types.js'

export type JvmFramework = 'micronaut' | 'quarkus'

/** The framework the build names (pom.xml, build.gradle[.kts]), when it is Quarkus or Micronaut. */
export function jvmFramework(files: AnalyzerContext['files']): JvmFramework | undefined {
  const build = ['pom.xml', 'build.gradle', 'build.gradle.kts'].map((f) => files.read(f)?.text ?? '').join('\n')
  if (/\bio\.quarkus\b/.test(build)) return 'quarkus'
  if (/\bio\.micronaut\b/.test(build)) return 'micronaut'
  return undefined
}

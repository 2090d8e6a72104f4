import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'image-built-here',
  emittedBy: "the platform-manifest reader, when render.yaml runs a prebuilt image (`runtime: image`) that a GitHub Actions workflow of the repository builds with docker/build-push-action (platform/image-workflow.ts)",
  severity: 'info',
  summary: "A service runs a prebuilt image that the repository's own workflow builds and pushes: its processes are read from that workflow's Dockerfile and build context (the service's dockerCommand over the image's CMD), not counted as an unknown image.",
}

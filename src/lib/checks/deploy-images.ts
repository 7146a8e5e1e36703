/**
 * The images a repository deploys beyond Dockerfiles and Compose (issue #9): GitHub Actions
 * workflows (../workflows.ts) and Kubernetes manifests (../kubernetes.ts), turned into image
 * occurrences with file and line, notes for values that cannot be known before the run
 * (`${{ … }}`, Helm's `{{ … }}`), and the GHCR push rule's findings. Pure.
 */
import {mayBeManifest, parseManifestImages} from '../kubernetes.js'
import {isWorkflowPath, parseWorkflow} from '../workflows.js'
import type {Finding, FindingLocation} from './finding.js'
import {ghcrPushFindings} from './ghcr-push-rule.js'

/** An image occurrence (same shape as repo-images' `RepoImage`). */
export type DeployImage = {image: string; location: FindingLocation; platform?: string}

/** What one file contributed. */
export type DeployScan = {images: DeployImage[]; findings: Finding[]}

function parseError(path: string, message: string, line: number | undefined, fix: string): Finding {
  return {
    ruleId: 'repo/parse-error',
    severity: 'note',
    message: `${path}${line ? ` line ${line}` : ''}: not valid YAML (${message}); its images were not checked`,
    location: {file: path, ...(line ? {line} : {})},
    fix,
  }
}

function notChecked(path: string, line: number, image: string, why: string): Finding {
  return {
    ruleId: 'repo/unresolved-image',
    severity: 'note',
    message: `${path} line ${line}: image ${JSON.stringify(image)} ${why}, so it was not checked`,
    location: {file: path, line},
    fix: 'Audit the resolved image explicitly (regctl audit --images FILE, or regctl pull-check IMAGE).',
  }
}

/** True for YAML files that are read as workflows or Kubernetes manifests. */
export function isDeployCandidate(path: string): boolean {
  return /\.ya?ml$/i.test(path)
}

/** Images and findings of a workflow or a Kubernetes manifest; undefined when the file is neither. */
export function scanDeployFile(path: string, text: string): DeployScan | undefined {
  if (isWorkflowPath(path)) {
    const result = parseWorkflow(text)
    if (!result.ok) return {images: [], findings: [parseError(path, result.message, result.line, 'Fix the YAML syntax (GitHub refuses the workflow too).')]}
    const images: DeployImage[] = []
    const findings: Finding[] = []
    for (const image of result.images) {
      if (image.expression) findings.push(notChecked(path, image.line, image.image, 'is a GitHub Actions expression, known only when the workflow runs'))
      else images.push({image: image.image, location: {file: path, line: image.line}})
    }

    findings.push(...ghcrPushFindings(path, result.ghcrPushes))
    return {images, findings}
  }

  if (!mayBeManifest(text)) return undefined
  // A Helm chart template is not YAML before rendering: not a manifest regctl can read.
  if (text.includes('{{') && /(^|\/)templates\//.test(path)) return undefined
  const result = parseManifestImages(text)
  if (!result.ok) return {images: [], findings: [parseError(path, result.message, result.line, 'Fix the YAML syntax (kubectl apply --dry-run=client shows the same error).')]}
  const images: DeployImage[] = []
  const findings: Finding[] = []
  for (const image of result.images) {
    if (image.templated) findings.push(notChecked(path, image.line, image.image, 'is a template'))
    else images.push({image: image.image, location: {file: path, line: image.line}})
  }

  return {images, findings}
}

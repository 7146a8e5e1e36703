/**
 * Credentials written into a Dockerfile (issue #9), recognised with the one secret catalogue
 * (`../secrets/`):
 * - `ENV` values and `ARG` defaults: a known token format (error), or a literal value of a variable
 *   whose name says secret — `*_TOKEN`, `*_SECRET`, `*PASSWORD*`, `*_KEY` — that is not a
 *   placeholder (`changeme`, `${…}`, empty): a warning, since a name is weaker evidence than a format;
 * - `RUN` lines and their heredocs: a known token format, an `Authorization` value, a URL or
 *   `login -p` password, a secret-named assignment (`export NPM_TOKEN=…`). Each RUN command is
 *   stored in the image history (`docker history --no-trunc`), so it is an error too.
 * Messages name the variable or line and show only the redaction.
 */
import {parseKeyValues, type Instruction, type ParsedDockerfile} from '../dockerfile.js'
import {findSecretInAssignment, findSecretInText, type SecretMatch} from '../secrets/detect.js'
import type {Finding, Severity} from './finding.js'

// A name is weaker evidence than a format or an Authorization/URL/login context: a warning.
const severityOf = (match: SecretMatch): Severity => (match.id === 'secret-assignment' ? 'warning' : 'error')

/** A build-secret id derived from a variable name (`GITHUB_TOKEN` → `github_token`). */
const secretId = (name: string): string => name.toLowerCase().replace(/[^a-z0-9_-]+/g, '_') || 'token'

function envOrArg(dockerfile: string, instruction: Instruction, escape: '\\' | '`'): Finding[] {
  const findings: Finding[] = []
  const keyword = instruction.keyword as 'ENV' | 'ARG'
  for (const {key, value, raw} of parseKeyValues(keyword, instruction.args, escape)) {
    if (value === undefined && raw === undefined) continue
    const secret = findSecretInAssignment(key, value ?? '') ?? (raw === undefined ? undefined : findSecretInAssignment(key, raw))
    if (!secret) continue
    const what = keyword === 'ENV' ? `ENV ${key}` : `the default of ARG ${key}`
    const looks = secret.format ? `looks like ${secret.kindWithArticle}` : 'is a literal value of a variable whose name says it is a secret'
    const id = secretId(key)
    findings.push({
      ruleId: 'dockerfile/secret-in-env',
      severity: severityOf(secret),
      message: `${dockerfile} line ${instruction.line}: ${what} ${looks} (${secret.redacted}); it is stored in the image ${keyword === 'ENV' ? 'config' : 'history'} and in version control`,
      location: {file: dockerfile, line: instruction.line},
      fix: `Remove the value and revoke the ${secret.format ? secret.kind : 'secret'}; pass it at build time with RUN --mount=type=secret,id=${id} and docker build --secret id=${id},env=${key}.`,
    })
  }

  return findings
}

function runLine(dockerfile: string, instruction: Instruction): Finding | undefined {
  const texts = [instruction.args, ...(instruction.heredocs ?? [])]
  let secret: SecretMatch | undefined
  for (const text of texts) {
    secret = findSecretInText(text)
    if (secret) break
  }

  if (!secret) return undefined
  const what = secret.name === undefined ? secret.kindWithArticle : `a literal value of ${secret.name}, whose name says it is a secret`
  return {
    ruleId: 'dockerfile/secret-in-run',
    severity: severityOf(secret),
    message: `${dockerfile} line ${instruction.line}: the RUN command holds ${what} (${secret.redacted}); every RUN command is stored in the image history and the Dockerfile in version control`,
    location: {file: dockerfile, line: instruction.line},
    fix: `Remove the value and revoke it; read it from a build secret instead: RUN --mount=type=secret,id=token,env=TOKEN … with docker build --secret id=token,env=TOKEN.`,
  }
}

/** Secrets in the `ENV`, `ARG` and `RUN` instructions of a parsed Dockerfile. */
export function findSecretsInInstructions(dockerfile: string, parsed: ParsedDockerfile): Finding[] {
  const findings: Finding[] = []
  for (const instruction of parsed.instructions) {
    if (instruction.keyword === 'ENV' || instruction.keyword === 'ARG') {
      findings.push(...envOrArg(dockerfile, instruction, parsed.escape))
    } else if (instruction.keyword === 'RUN') {
      const finding = runLine(dockerfile, instruction)
      if (finding) findings.push(finding)
    }
  }

  return findings
}

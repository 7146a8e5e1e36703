/**
 * The rule catalogue: fixed metadata of every finding regctl can report (SARIF
 * `tool.driver.rules[]`, the help of the markdown report). Rule ids are part of the output
 * contract: never rename one, add a new one instead. This file holds the repository (build
 * context, Dockerfile, scan) rules; other checks add theirs to {@link RULES}.
 */
import type {Rule} from './finding.js'

/** Rules of the repository scan of `regctl audit` (see `scanRepository`). */
export const REPOSITORY_RULES: readonly Rule[] = [
  {
    id: 'context/secret-not-ignored',
    name: 'SecretInBuildContext',
    defaultSeverity: 'error',
    shortDescription: 'A file that looks like a secret is sent to the Docker build context',
    help: [
      'A file that looks like a secret (`.env`, a private key, a `.npmrc` with a token, `.docker/config.json`, `credentials*.json`, a `secrets/` directory, the `.git/` directory…) lies in the build context of a Dockerfile and no ignore file excludes it.',
      'Everything in the context is sent to the builder; `COPY . .` then bakes it into an image layer, where anyone who can pull the image can read it, even if a later step deletes it.',
      'Fix: add the path to the `.dockerignore` at the root of the context (or to `<Dockerfile>.dockerignore` next to the Dockerfile, which takes precedence), e.g. `**/.env`, `**/*.pem`, `.git`. Pass build secrets with `RUN --mount=type=secret` instead. If the secret was ever pushed in an image, rotate it.',
    ].join('\n\n'),
  },
  {
    id: 'context/no-dockerignore',
    name: 'WholeContextCopiedWithoutDockerignore',
    defaultSeverity: 'warning',
    shortDescription: 'The Dockerfile copies the whole build context and there is no .dockerignore',
    help: [
      '`COPY . .` (or `ADD . /app`, `COPY * /app`…) copies everything in the build context into the image. Without a `.dockerignore`, that includes local `.env` files, keys, `.git/` history and build output that happen to be in the directory, today or later.',
      'Fix: create a `.dockerignore` at the root of the build context that excludes at least `.git`, `**/.env*`, `**/*.pem`, `**/*.key` and `node_modules`, or copy only what the image needs (`COPY package.json src/ ./`).',
    ].join('\n\n'),
  },
  {
    id: 'context/dockerignore-invalid',
    name: 'InvalidDockerignorePattern',
    defaultSeverity: 'warning',
    shortDescription: 'A .dockerignore pattern is not valid, so the build fails',
    help: [
      'Docker parses `.dockerignore` patterns with Go `filepath.Match` syntax plus `**`. A malformed pattern (an unclosed `[`, a trailing `\\`, a lone `!`, a reversed range like `[z-a]`) makes the build fail with "syntax error in pattern", and regctl cannot tell what the file excludes.',
      'Fix: correct the pattern on the reported line (escape a literal `[` as `\\[`).',
    ].join('\n\n'),
  },
  {
    id: 'dockerfile/secret-in-env',
    name: 'SecretInDockerfileEnvOrArg',
    defaultSeverity: 'error',
    shortDescription: 'An ENV or ARG value in a Dockerfile is a token, key or literal secret',
    help: [
      'An `ENV` value, or the default of an `ARG`, looks like a credential: a known token format (GitHub, Docker Hub, GitLab, Slack, npm, Google, an AWS access or secret key, a private key, a JWT) is an error; a literal value of a variable whose name says secret (`*_TOKEN`, `*_SECRET`, `*PASSWORD*`, `*_KEY`) that is not a placeholder (`changeme`, `${VAR}`, empty) is a warning. `ENV` values are stored in the image config and `ARG` values in the image history: anyone who can pull the image can read them, and the Dockerfile itself is in version control.',
      'Fix: remove the value, revoke the credential, and pass it at build time as a secret: `RUN --mount=type=secret,id=token …` with `docker build --secret id=token,env=TOKEN`.',
    ].join('\n\n'),
  },
  {
    id: 'dockerfile/secret-in-run',
    name: 'SecretInDockerfileRun',
    defaultSeverity: 'error',
    shortDescription: 'A RUN command in a Dockerfile holds a token or password',
    help: [
      'A `RUN` command (or its heredoc) holds a credential: a known token format (`RUN echo ghp_… > ~/.token`), an `Authorization` header value (`curl -H "Authorization: token …"`), a password in a URL or on a `login -p` command line (errors), or a literal value assigned to a secret-named variable (`export NPM_TOKEN=…`, a warning). Every `RUN` command is stored in the image history (`docker history --no-trunc`), so anyone who can pull the image can read it, and the Dockerfile is in version control.',
      'Fix: remove the value, revoke the credential, and mount it as a build secret: `RUN --mount=type=secret,id=token,env=TOKEN …` with `docker build --secret id=token,env=TOKEN`.',
    ].join('\n\n'),
  },
  {
    id: 'repo/unresolved-image',
    name: 'UnresolvedImageReference',
    defaultSeverity: 'note',
    shortDescription: 'An image reference uses a variable with no default, so it could not be checked',
    help: [
      'A `FROM` line or a Compose `image:` uses a variable (`${BASE_IMAGE}`) that has no default in the file. regctl does not read your environment during an audit, so it cannot tell which image is meant and does not check it.',
      'Fix: give the variable a default (`ARG BASE_IMAGE=node:20`, `${TAG:-latest}`) or audit the image explicitly.',
    ].join('\n\n'),
  },
  {
    id: 'repo/parse-error',
    name: 'UnparseableFile',
    defaultSeverity: 'note',
    shortDescription: 'A Compose file, workflow or Kubernetes manifest could not be parsed, so its images were not checked',
    help: 'The file is not valid YAML. Docker Compose, GitHub Actions or kubectl would refuse it too. Fix the syntax error on the reported line.',
  },
  {
    id: 'repo/scan-truncated',
    name: 'RepositoryScanTruncated',
    defaultSeverity: 'note',
    shortDescription: 'The repository walk stopped at its depth or file bound',
    help: 'regctl bounds how deep and how many files it walks so an audit always finishes. Files beyond the bound were not checked. Audit a subdirectory, or raise the bound.',
  },
  {
    id: 'repo/input-bound',
    name: 'InputOverBound',
    defaultSeverity: 'warning',
    shortDescription: 'A file exceeds a bound regctl sets, so it was not (fully) checked',
    help: [
      'regctl bounds the work any one input can cost (file size, line count, pattern count, nesting depth) so that a hostile or generated file cannot hang or crash the audit. The bounds are generous and listed in the README ("Bounds"). A file over a bound is reported here, naming the bound, instead of being skipped silently: what lies beyond the bound (a `FROM`, a secret, a `COPY . .`) was not seen.',
      'Fix: split or simplify the file; a generated Dockerfile or ignore file this large is worth reviewing by hand.',
    ].join('\n\n'),
  },
]

/**
 * Every rule regctl knows. Other checks append their catalogues here; ids must stay unique (a
 * unit test asserts it).
 */
export const RULES: readonly Rule[] = [...REPOSITORY_RULES]

const BY_ID = new Map(RULES.map((rule) => [rule.id, rule]))

/** The rule with this id, or undefined. */
export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id)
}

import {UsageError} from '../errors.js'

/** `OWNER` or `OWNER/PACKAGE` as given to `ghcr ls`. */
export type PackagePath = {owner: string; package?: string}

// GitHub logins: alphanumerics and single hyphens, not at either end, at most 39 characters.
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/
// Container package names: the repository path components of ghcr.io (lower-case there, but the
// API accepts the name as created), separated by `/` (docker/distribution reference grammar).
const PACKAGE_SEGMENT = /^[A-Za-z0-9]+(?:(?:[._]|__|-+)[A-Za-z0-9]+)*$/

/**
 * Parses `OWNER[/PACKAGE]`, where PACKAGE may itself contain `/` (`acme/tools/cli` is package
 * `tools/cli` of `acme`): the owner is the first segment. A leading `ghcr.io/` is accepted, so an
 * image name can be pasted. Tags and digests are refused: this lists them, it does not take them.
 */
export function parsePackagePath(input: string): PackagePath {
  let text = input.trim()
  if (/^ghcr\.io\//i.test(text)) text = text.slice('ghcr.io/'.length)
  if (/[@:]/.test(text)) {
    throw new UsageError(`${JSON.stringify(input)}: expected OWNER or OWNER/PACKAGE, without a tag or digest`)
  }

  const [owner = '', ...rest] = text.split('/')
  if (!LOGIN.test(owner)) {
    throw new UsageError(`${JSON.stringify(input)}: ${JSON.stringify(owner)} is not a GitHub user or organization name`)
  }

  if (rest.length === 0) return {owner}
  if (!rest.every((segment) => PACKAGE_SEGMENT.test(segment))) {
    throw new UsageError(`${JSON.stringify(input)}: ${JSON.stringify(rest.join('/'))} is not a container package name`)
  }

  return {owner, package: rest.join('/')}
}

/**
 * Validation of GitHub Packages JSON at the boundary. The shapes follow the `package` and
 * `package-version` schemas of GitHub's OpenAPI description (api.github.com); only the fields
 * regctl uses are required here, so an additive change on GitHub's side does not break us.
 */
import {ProtocolError} from '../errors.js'
import type {PackageSummary, PackageVersionSummary} from './types.js'

type Json = Record<string, unknown>

/** Parses one `package` object (GET /users/{username}/packages). */
export function parsePackage(value: unknown, url: string): PackageSummary {
  const object = expectObject(value, url, 'package')
  const repository = object['repository']
  let repositoryName: string | null = null
  if (repository !== null && repository !== undefined) {
    repositoryName = expectString(expectObject(repository, url, 'package.repository'), 'full_name', url, 'package.repository')
  }

  return {
    name: expectString(object, 'name', url, 'package'),
    visibility: expectString(object, 'visibility', url, 'package'),
    repository: repositoryName,
    versionCount: expectInteger(object, 'version_count', url, 'package'),
    createdAt: expectString(object, 'created_at', url, 'package'),
    updatedAt: expectString(object, 'updated_at', url, 'package'),
    htmlUrl: expectString(object, 'html_url', url, 'package'),
  }
}

/** Parses one `package-version` object (GET …/packages/container/{name}/versions). */
export function parsePackageVersion(value: unknown, url: string): PackageVersionSummary {
  const object = expectObject(value, url, 'package version')
  let tags: string[] = []
  const metadata = object['metadata']
  if (metadata !== undefined && metadata !== null) {
    const container = expectObject(metadata, url, 'package version metadata')['container']
    if (container !== undefined && container !== null) {
      const raw = expectObject(container, url, 'package version metadata.container')['tags']
      if (!Array.isArray(raw) || !raw.every((tag): tag is string => typeof tag === 'string')) {
        throw new ProtocolError(url, 'package version metadata.container.tags is not an array of strings')
      }

      tags = raw
    }
  }

  const htmlUrl = object['html_url']
  return {
    id: expectInteger(object, 'id', url, 'package version'),
    digest: expectString(object, 'name', url, 'package version'),
    tags,
    createdAt: expectString(object, 'created_at', url, 'package version'),
    updatedAt: expectString(object, 'updated_at', url, 'package version'),
    ...(typeof htmlUrl === 'string' ? {htmlUrl} : {}),
  }
}

/** Parses a list page: must be a JSON array. */
export function expectArray(value: unknown, url: string): unknown[] {
  if (!Array.isArray(value)) throw new ProtocolError(url, 'expected a JSON array')
  return value
}

/** The `type` of GET /users/{username}: `User`, `Organization` (or `Bot`). */
export function parseAccountType(value: unknown, url: string): string {
  return expectString(expectObject(value, url, 'account'), 'type', url, 'account')
}

function expectObject(value: unknown, url: string, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError(url, `${what} is not a JSON object`)
  }

  return value as Json
}

function expectString(object: Json, key: string, url: string, what: string): string {
  const value = object[key]
  if (typeof value !== 'string') throw new ProtocolError(url, `${what}.${key} is not a string`)
  return value
}

function expectInteger(object: Json, key: string, url: string, what: string): number {
  const value = object[key]
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ProtocolError(url, `${what}.${key} is not an integer`)
  return value
}

/**
 * Validators for GitHub's own schemas, from the OpenAPI description of api.github.com that
 * @octokit/openapi ships. OpenAPI 3.0 `nullable` is understood by Ajv 8 natively; `example`,
 * `discriminator` and friends are ignored (strict: false).
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'

import {Ajv, type ValidateFunction} from 'ajv'

const require = createRequire(import.meta.url)

let ajv: Ajv | undefined

function instance(): Ajv {
  if (ajv) return ajv
  const path = require.resolve('@octokit/openapi/generated/api.github.com.json')
  const doc = JSON.parse(readFileSync(path, 'utf8')) as {components: unknown}
  ajv = new Ajv({strict: false, allErrors: true})
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/)
  ajv.addFormat('uri', {
    validate: (value: string) => {
      try {
        return Boolean(new URL(value))
      } catch {
        return false
      }
    },
  })
  for (const format of ['email', 'uri-template', 'int64', 'int32', 'date', 'binary', 'hostname', 'ipv4', 'uuid', 'repo.nwo', 'ssh-key fingerprint', 'ssh-key']) {
    ajv.addFormat(format, true)
  }

  ajv.addSchema({components: doc.components}, 'github')
  return ajv
}

/** A validator for `components.schemas[name]` of GitHub's OpenAPI description. */
export function githubSchema(name: string): ValidateFunction {
  const validate = instance().getSchema(`github#/components/schemas/${name}`)
  if (!validate) throw new Error(`no schema ${name} in GitHub's OpenAPI description`)
  return validate
}

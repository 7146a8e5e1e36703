/**
 * Generates the JSON Schemas of every `--json` document (docs/json/*.schema.json) from the exported
 * result types, so the contract cannot drift from the code (as salesforcecli's plugins do with
 * ts-json-schema-generator). The ajv checks in the tests then prove that real output matches.
 *
 *   npm run schemas            regenerate docs/json after changing a result type
 *   npm run schemas -- --check fail (exit 1) when a committed schema differs from the generated one
 *
 * TSDoc on the types becomes each property's `description`; `@minimum`, `@pattern` and friends
 * become constraints.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {createGenerator} from 'ts-json-schema-generator'

type Contract = {
  /** docs/json/NAME.schema.json */
  name: string
  /** The exported type (the command's `run()` result). */
  type: string
  /** The file that declares it. */
  path: string
  title: string
  description?: string
}

const ERROR_NOTE = 'On a usage or config error the document is {"exitCode", "error": {"code", "message"}} instead (see error.schema.json).'

/** One row per JSON document a command prints. */
const CONTRACTS: Contract[] = [
  {name: 'pull-check', type: 'PullCheckResult', path: 'src/lib/checks/pull-check.ts', title: 'regctl pull-check --json', description: `One document per run. ${ERROR_NOTE}`},
  {name: 'auth-status', type: 'AuthStatusResult', path: 'src/lib/checks/auth-status-types.ts', title: 'regctl auth status --json', description: ERROR_NOTE},
  {name: 'ghcr-ls', type: 'GhcrLsResult', path: 'src/lib/github/types.ts', title: 'regctl ghcr ls --json', description: ERROR_NOTE},
  {name: 'audit', type: 'AuditReport', path: 'src/lib/checks/audit.ts', title: 'regctl audit --format json', description: ERROR_NOTE},
  {name: 'auth-login', type: 'AuthLoginResult', path: 'src/lib/github/login.ts', title: 'regctl auth login --json', description: ERROR_NOTE},
  {name: 'auth-logout', type: 'AuthLogoutResult', path: 'src/lib/github/login.ts', title: 'regctl auth logout --json', description: ERROR_NOTE},
  {name: 'error', type: 'ErrorDocument', path: 'src/lib/errors.ts', title: 'regctl error document (any command, --json)'},
]

const root = join(import.meta.dirname, '..')

/** One generator over every contract file: one TypeScript program, so a run takes seconds. */
function createContractGenerator(): ReturnType<typeof createGenerator> {
  const files = [...new Set(CONTRACTS.map((contract) => contract.path.replace(/\.ts$/, '')))]
  return createGenerator({
    path: join(root, `{${files.join(',')}}.ts`),
    tsconfig: join(root, 'tsconfig.json'),
    // The type-check is `tsc`'s job; this only reads declarations.
    skipTypeCheck: true,
    additionalProperties: false,
    expose: 'export',
    topRef: false,
    jsDoc: 'extended',
  })
}

/** TSDoc `{@link name}` reads as `name` in a schema's descriptions (the generator keeps the braces). */
function plainLinks(key: string, value: unknown): unknown {
  if (key !== 'description' || typeof value !== 'string') return value
  return value
    .replaceAll(/\{@link\s+([^}]*?)\s*\}/g, '$1')
    .replaceAll(/ {2,}/g, ' ')
    .replaceAll(/ ([.,:;)])/g, '$1')
}

/** The schema of one contract, as committed: two-space JSON, final newline. */
function generateSchema(generator: ReturnType<typeof createGenerator>, contract: Contract): string {
  // The root type's own TSDoc describes the type; the schema says which document it is.
  const {$schema, description: typeDescription, ...body} = generator.createSchema(contract.type)
  const description = contract.description ?? typeDescription
  const schema = {
    $schema,
    $id: `https://regctl.dev/schemas/${contract.name}.json`,
    title: contract.title,
    ...(description ? {description} : {}),
    ...body,
  }
  return `${JSON.stringify(schema, plainLinks, 2)}\n`
}

function main(): void {
  const check = process.argv.includes('--check')
  const stale: string[] = []
  const generator = createContractGenerator()
  for (const contract of CONTRACTS) {
    const file = join(root, 'docs/json', `${contract.name}.schema.json`)
    const generated = generateSchema(generator, contract)
    let committed: string | undefined
    try {
      committed = readFileSync(file, 'utf8')
    } catch {
      committed = undefined
    }

    if (committed === generated) continue
    if (check) stale.push(`docs/json/${contract.name}.schema.json`)
    else {
      writeFileSync(file, generated)
      console.log(`wrote docs/json/${contract.name}.schema.json`)
    }
  }

  if (stale.length > 0) {
    console.error(`JSON Schemas differ from the result types: ${stale.join(', ')}. Run: npm run schemas (and commit docs/json).`)
    process.exitCode = 1
  }
}

main()

/**
 * Scalar types of the `--json` contracts with the constraints their JSON Schemas carry: the TSDoc
 * tags become schema keywords when `npm run schemas` generates docs/json from the result types.
 */

/**
 * A count of things.
 *
 * @asType integer
 * @minimum 0
 */
export type Count = number

/**
 * Wall time in milliseconds.
 *
 * @minimum 0
 */
export type DurationMs = number

/**
 * A content digest, `algorithm:encoded` (OCI image-spec descriptor grammar).
 *
 * @pattern ^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$
 */
export type Digest = string

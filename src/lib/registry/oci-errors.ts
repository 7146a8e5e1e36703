/**
 * OCI distribution error bodies (distribution-spec "Error Codes"):
 * `{"errors": [{"code": "MANIFEST_UNKNOWN", "message": "…", "detail": …}]}`.
 */
import {type OciError, redactText} from '../errors.js'
import {sanitizeText} from '../sanitize.js'
import {redactSecrets} from '../secrets/redact.js'

const MAX_ERRORS = 20

/** Parses an error body from bytes; anything that is not the OCI shape yields `[]`. */
export function parseOciErrors(body: Uint8Array): OciError[] {
  if (body.byteLength === 0) return []
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder().decode(body))
  } catch {
    return []
  }

  if (typeof data !== 'object' || data === null) return []
  const errors = (data as {errors?: unknown}).errors
  if (!Array.isArray(errors)) return []
  const out: OciError[] = []
  for (const entry of errors.slice(0, MAX_ERRORS)) {
    if (typeof entry !== 'object' || entry === null) continue
    const {code, message} = entry as {code?: unknown; message?: unknown}
    if (typeof code !== 'string') continue
    // Messages are the server's free text: redact in case it echoes a credential.
    // Sanitised too: it is printed, and under GitHub Actions a line must not become a command.
    out.push({code: sanitizeText(code, 60), message: typeof message === 'string' ? sanitizeText(redactSecrets(redactText(message.slice(0, 2000)))) : ''})
  }

  return out
}

/** How much of an error body {@link saysTokenExpired} reads: the sentence comes first in real answers. */
const EXPIRED_SCAN_BYTES = 4096
/** "Your authorization token has expired" (ECR), "token expired", "expired token" — bounded gaps. */
const EXPIRED_TOKEN = /\btoken\b[^.\n]{0,40}\bexpired\b|\bexpired\b[^.\n]{0,20}\btoken\b/i

/**
 * Whether a 401/403 body says the credential itself expired — ECR answers HTTP 403 `{"errors":
 * [{"code": "DENIED", "message": "Your authorization token has expired. Reauthenticate and try
 * again."}]}` (https://docs.aws.amazon.com/AmazonECR/latest/userguide/common-errors-docker.html),
 * which is a login to renew, not a permission missing. Reads the first 4 KiB, JSON or plain text.
 */
export function saysTokenExpired(body: Uint8Array): boolean {
  if (body.byteLength === 0) return false
  const text = new TextDecoder().decode(body.subarray(0, EXPIRED_SCAN_BYTES))
  return EXPIRED_TOKEN.test(text)
}

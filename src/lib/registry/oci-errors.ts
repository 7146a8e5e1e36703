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

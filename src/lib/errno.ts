/**
 * Node's system error codes in words, for one-line messages: a user reads "no such file", not
 * "ENOENT". One table, used for file errors (flags, config files, --output) and transport errors.
 */

/** Words for the errno and DNS codes regctl meets; the code itself for anything else. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
  EIO: 'input/output error',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed by the server',
  ETIMEDOUT: 'timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: self-signed certificate in the chain (NODE_EXTRA_CA_CERTS names a CA file)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: unable to verify the certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: unknown certificate issuer (NODE_EXTRA_CA_CERTS names a CA file)',
  CERT_HAS_EXPIRED: 'TLS: certificate expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: certificate does not match the host name',
  EPROTO: 'TLS protocol error (is it plain HTTP? see --insecure-registry)',
}

/** "no such file or directory" for `ENOENT`; the code itself when it has no words here. */
export function describeErrno(code: string): string {
  return ERRNO_WORDS[code] ?? code
}

/** The errno code of a Node system error (or of its `cause`, where undici puts it), if any. */
export function errnoCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== null && typeof current === 'object' && depth < 3; depth++) {
    const code = (current as {code?: unknown}).code
    if (typeof code === 'string' && code !== '') return code
    current = (current as {cause?: unknown}).cause
  }

  return undefined
}

/** One phrase for a failed file operation: "permission denied", "no such file or directory", … */
export function describeFileError(error: unknown): string {
  const code = errnoCode(error)
  if (code !== undefined) return describeErrno(code)
  return error instanceof Error ? error.message.split('\n')[0] ?? 'failed' : 'failed'
}

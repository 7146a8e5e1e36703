/**
 * The credentials one run holds or received, by value (issue 12): every password, identity token
 * and registry token read from a config file or a credential helper, every GitHub token resolved,
 * every `Authorization` value and form secret the registry client sent (the bearer tokens it was
 * issued included). The output boundary (src/runtime/known-secrets.ts) replaces each of them by
 * `REDACTED` in everything printed — stdout and stderr, text and JSON — whichever server, helper or
 * message echoed it, and whether or not a pattern of the catalogue would recognise it.
 *
 * Exact-match replacement, longest secret first; linear in the text per secret. Secrets shorter
 * than {@link MIN_KNOWN_SECRET} characters are not held: they would redact ordinary words, and the
 * catalogue already shows short secrets as `…` wherever regctl prints one on purpose.
 */

/** Shortest secret held (characters). */
export const MIN_KNOWN_SECRET = 6

/** At most this many distinct secrets are held (each costs a scan of every output chunk). */
export const MAX_KNOWN_SECRETS = 1000

/** What a secret is replaced by. */
export const REDACTED = 'REDACTED'

/** The secrets of one run, and their redaction. */
export class KnownSecrets {
  readonly #secrets = new Set<string>()
  #ordered: string[] | undefined
  /** `Authorization` values already held: the transport hands in the same bearer value on every request. */
  readonly #authorizations = new Set<string>()

  /** How many distinct strings are held (variants included). */
  get size(): number {
    return this.#secrets.size
  }

  /** Holds `secret` and its JSON-escaped form (as it appears inside a `--json` document). */
  add(secret: string | undefined): void {
    const value = secret?.trim()
    if (value === undefined || value.length < MIN_KNOWN_SECRET || this.#secrets.size >= MAX_KNOWN_SECRETS) return
    for (const variant of [value, JSON.stringify(value).slice(1, -1)]) {
      if (this.#secrets.has(variant)) continue
      this.#secrets.add(variant)
      this.#ordered = undefined
    }
  }

  /** A username and password: the password, and the `user:password` pair plain and in base64 (a Basic header, an `auth` field). */
  addLogin(username: string | undefined, password: string | undefined): void {
    if (!password) return
    this.add(password)
    if (username === undefined) return
    this.add(`${username}:${password}`)
    this.add(Buffer.from(`${username}:${password}`, 'utf8').toString('base64'))
  }

  /** An `Authorization` value as sent: a bearer token, or a Basic pair and its parts. */
  addAuthorization(value: string | undefined): void {
    // Seen before: its parts are held. Saves splitting, trimming and JSON-escaping a ~2 KB token
    // again for each of 1,000 manifests (issue 10).
    if (value === undefined || this.#authorizations.has(value)) return
    if (this.#authorizations.size < MAX_KNOWN_SECRETS) this.#authorizations.add(value)
    const [scheme, credential] = value.trim().split(/\s+/, 2)
    if (!credential) return
    this.add(credential)
    if (scheme?.toLowerCase() === 'basic') this.#addBasicPair(credential)
  }

  /** The login inside a base64 `user:password` pair (a Basic header, a config file's `auth`). */
  #addBasicPair(encoded: string): void {
    const decoded = Buffer.from(encoded.trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon >= 0) this.addLogin(decoded.slice(0, colon), decoded.slice(colon + 1))
  }

  /** The secret fields of a form body sent (an OAuth2 token request: `password`, `refresh_token`). */
  addForm(body: string | undefined): void {
    if (!body) return
    for (const [key, value] of new URLSearchParams(body)) if (/token|password|secret/i.test(key)) this.add(value)
  }

  /**
   * Every credential of a Docker `config.json` or podman `auth.json` text (`auths.*.auth`,
   * `password`, `identitytoken`, `registrytoken`), also of a file regctl rejects as malformed
   * later: whatever it parses as JSON. Text that is not JSON holds nothing we can tell.
   */
  addConfigText(text: string): void {
    let document: unknown
    try {
      document = JSON.parse(text.replace(/^\uFEFF/, ''))
    } catch {
      return
    }

    const auths = isObject(document) ? document['auths'] : undefined
    if (!isObject(auths)) return
    for (const entry of Object.values(auths)) {
      if (!isObject(entry)) continue
      const auth = entry['auth']
      if (typeof auth === 'string' && auth.trim() !== '') {
        this.add(auth)
        this.#addBasicPair(auth)
      }

      for (const field of ['password', 'identitytoken', 'registrytoken']) {
        const value = entry[field]
        if (typeof value === 'string') this.add(value)
      }

      const username = entry['username']
      const password = entry['password']
      if (typeof username === 'string' && typeof password === 'string') this.addLogin(username, password)
    }
  }

  /** The `Secret` of a credential helper's output (`get` prints `{"ServerURL","Username","Secret"}`), whatever its exit status. */
  addHelperOutput(stdout: string): void {
    let document: unknown
    try {
      document = JSON.parse(stdout)
    } catch {
      return
    }

    if (!isObject(document)) return
    const secret = document['Secret']
    const username = document['Username']
    if (typeof secret === 'string') this.addLogin(typeof username === 'string' ? username : undefined, secret)
  }

  /** `text` with every held secret replaced by `REDACTED`. */
  redact(text: string): string {
    if (this.#secrets.size === 0 || text.length < MIN_KNOWN_SECRET) return text
    this.#ordered ??= [...this.#secrets].sort((a, b) => b.length - a.length)
    let out = text
    for (const secret of this.#ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    return out
  }

  /** Forgets every secret (a new run in the same process: the in-process command tests). */
  clear(): void {
    this.#secrets.clear()
    this.#authorizations.clear()
    this.#ordered = undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Test PKI made with the real `openssl` CLI: a root CA, a TLS server certificate for the loopback
 * names, and a token-signing certificate chained to the same CA.
 *
 * distribution 2.8 verifies a bearer token's `x5c` chain against `auth.token.rootcertbundle`
 * (registry/auth/token/token.go, `parseAndVerifyCertChain`, with `ExtKeyUsageAny`), so the signing
 * leaf only has to chain to the CA we put in that bundle.
 */
import {X509Certificate} from 'node:crypto'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'

import {run} from './processes.js'

/** Paths and PEM contents of the generated PKI. */
export type Certificates = {
  dir: string
  /** PEM of the root CA: what NODE_EXTRA_CA_CERTS should point at. */
  caFile: string
  caPem: string
  serverCertFile: string
  serverKeyFile: string
  serverCertPem: string
  serverKeyPem: string
  signingCertFile: string
  signingKeyFile: string
  signingKeyPem: string
  /** base64 (not base64url) DER of the signing certificate: the JWT `x5c[0]` (RFC 7515 §4.1.6). */
  signingCertDerBase64: string
  /** A skopeo/containers `--cert-dir`: holds `ca.crt` (files ending .crt are trusted CAs). */
  certDir: string
}

/** Subject alternative names of the TLS server certificate. */
export const SERVER_NAMES = {ips: ['127.0.0.1', '127.0.0.2'], dns: ['localhost']} as const

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args, {timeoutMs: 30_000})
}

async function issue(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  const ext = path.join(dir, `${name}.ext`)
  await writeFile(ext, extensions)
  await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, `${name}.key`),
    '-out', path.join(dir, `${name}.csr`), '-subj', subject])
  await openssl(['x509', '-req', '-in', path.join(dir, `${name}.csr`), '-CA', path.join(dir, 'ca.crt'),
    '-CAkey', path.join(dir, 'ca.key'), '-set_serial', `0x${Date.now().toString(16)}${name.length}`,
    '-days', '7', '-sha256', '-extfile', ext, '-out', path.join(dir, `${name}.crt`)])
}

/** Generate the CA, server and signing certificates under `dir`. */
export async function makeCertificates(dir: string): Promise<Certificates> {
  await mkdir(dir, {recursive: true})
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'ca.key'),
    '-out', path.join(dir, 'ca.crt'), '-days', '7', '-sha256', '-subj', '/CN=regctl test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  const san = [...SERVER_NAMES.ips.map((ip) => `IP:${ip}`), ...SERVER_NAMES.dns.map((d) => `DNS:${d}`)].join(',')
  await Promise.all([
    issue(dir, 'server', '/CN=127.0.0.1', [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${san}`,
      '',
    ].join('\n')),
    issue(dir, 'signing', '/CN=regctl test token signer', [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      '',
    ].join('\n')),
  ])
  const certDir = path.join(dir, 'cert-dir')
  await mkdir(certDir, {recursive: true})
  const caPem = await readFile(path.join(dir, 'ca.crt'), 'utf8')
  await writeFile(path.join(certDir, 'ca.crt'), caPem)
  const signingPem = await readFile(path.join(dir, 'signing.crt'), 'utf8')
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    caPem,
    serverCertFile: path.join(dir, 'server.crt'),
    serverKeyFile: path.join(dir, 'server.key'),
    serverCertPem: await readFile(path.join(dir, 'server.crt'), 'utf8'),
    serverKeyPem: await readFile(path.join(dir, 'server.key'), 'utf8'),
    signingCertFile: path.join(dir, 'signing.crt'),
    signingKeyFile: path.join(dir, 'signing.key'),
    signingKeyPem: await readFile(path.join(dir, 'signing.key'), 'utf8'),
    signingCertDerBase64: new X509Certificate(signingPem).raw.toString('base64'),
    certDir,
  }
}

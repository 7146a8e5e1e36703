/**
 * Which service runs a registry host, and how a user logs in to it. Pure: the host name is all it
 * looks at (no DNS). Used by `auth status` to name the provider, to pick provider-specific rules
 * (GHCR token kinds, ECR token expiry) and to print the login command when a login is missing or
 * broken.
 */
import {DOCKER_HUB_HOSTNAMES} from './docker-hub.js'

/** The registry services `auth status` knows by name. */
export type ProviderId = 'ghcr' | 'docker-hub' | 'quay' | 'ecr' | 'ecr-public' | 'gar' | 'gcr' | 'acr' | 'other'

/** A registry host, classified. */
export type Provider = {
  id: ProviderId
  /** For people: `GitHub Container Registry`, `AWS ECR`, … */
  name: string
  /** The registry host as given, lowercased (`123456789012.dkr.ecr.eu-west-1.amazonaws.com`). */
  host: string
  /**
   * ECR: the 12-digit account id.
   *
   * @pattern ^\d{12}$
   */
  accountId?: string
  /** ECR / Artifact Registry: the region (`eu-west-1`, `europe-west4`). */
  region?: string
  /**
   * ECR: the AWS partition the host belongs to (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`,
   * `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`).
   */
  partition?: string
  /** ECR: the FIPS endpoint (`dkr.ecr-fips` / `dkr-ecr-fips`). */
  fips?: boolean
  /** ECR: the dual-stack (IPv4 + IPv6) endpoint (`dkr-ecr.REGION.on.aws`). */
  dualStack?: boolean
  /** ACR: the registry name (`myreg` of `myreg.azurecr.io`), what `az acr login -n` takes. */
  registryName?: string
}

const NAMES: Record<ProviderId, string> = {
  ghcr: 'GitHub Container Registry',
  'docker-hub': 'Docker Hub',
  quay: 'Quay',
  ecr: 'AWS ECR',
  'ecr-public': 'AWS ECR Public',
  gar: 'Google Artifact Registry',
  gcr: 'Google Container Registry',
  acr: 'Azure Container Registry',
  other: 'registry',
}

/**
 * Every ECR private registry endpoint, after amazon-ecr-credential-helper's `ecrPattern`
 * (ecr-login/api/client.go): `ACCOUNT.dkr.ecr[-fips].REGION.DOMAIN` and the dual-stack
 * `ACCOUNT.dkr-ecr[-fips].REGION.on.aws` form
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html#ecr-requests-dual-stack).
 * Domains: the commercial and GovCloud partitions (`amazonaws.com`), China (`amazonaws.com.cn`,
 * dual-stack `on.amazonwebservices.com.cn`), the European Sovereign Cloud (`amazonaws.eu`) and the
 * ISO partitions (`c2s.ic.gov`, `sc2s.sgov.gov`, `cloud.adc-e.uk`, `csp.hci.ic.gov`).
 */
const ECR_HOST =
  /^(\d{12})\.dkr([.-])ecr(-fips)?\.([a-z0-9][a-z0-9-_]*)\.(amazonaws\.com|amazonaws\.com\.cn|amazonaws\.eu|on\.aws|on\.amazonwebservices\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/

const PARTITION_BY_DOMAIN: Record<string, string> = {
  'amazonaws.com': 'aws',
  'on.aws': 'aws',
  'amazonaws.com.cn': 'aws-cn',
  'on.amazonwebservices.com.cn': 'aws-cn',
  'amazonaws.eu': 'aws-eusc',
  'c2s.ic.gov': 'aws-iso',
  'sc2s.sgov.gov': 'aws-iso-b',
  'cloud.adc-e.uk': 'aws-iso-e',
  'csp.hci.ic.gov': 'aws-iso-f',
}

/** Azure's clouds: public (`azurecr.io`), China (`azurecr.cn`), US Government (`azurecr.us`). */
const ACR_HOST = /^([a-z0-9]+)(?:-[a-z0-9]+)?\.azurecr\.(io|cn|us)$/

/** Artifact Registry: `LOCATION-docker.pkg.dev` (https://cloud.google.com/artifact-registry/docs/docker/names). */
const GAR_HOST = /^([a-z0-9-]+)-docker\.pkg\.dev$/

/** Container Registry: `gcr.io` and its regional hosts `us.gcr.io`, `eu.gcr.io`, `asia.gcr.io`. */
const GCR_HOST = /^(?:([a-z0-9-]+)\.)?gcr\.io$/

/** Strips a port: providers are recognised by host name alone. */
function hostname(host: string): string {
  const lower = host.toLowerCase()
  if (lower.startsWith('[')) return lower
  return lower.replace(/:\d+$/, '')
}

/** True for an ECR registry host, private (every partition and endpoint form) or ECR Public. */
export function isEcrHost(host: string): boolean {
  const name = hostname(host)
  return name === 'public.ecr.aws' || ECR_HOST.test(name)
}

/** Classifies a registry host (`ghcr.io`, `docker.io`, `123456789012.dkr.ecr.us-east-1.amazonaws.com`). */
export function identifyProvider(host: string): Provider {
  const lower = host.toLowerCase()
  const name = hostname(lower)
  const base = (id: ProviderId): Provider => ({id, name: NAMES[id], host: lower})

  if (name === 'ghcr.io') return base('ghcr')
  if (DOCKER_HUB_HOSTNAMES.has(name)) return base('docker-hub')
  // quay.io only: a self-hosted (Red Hat) Quay has a host name of its own, and stays `other`.
  if (name === 'quay.io') return base('quay')
  if (name === 'public.ecr.aws') return base('ecr-public')

  const ecr = ECR_HOST.exec(name)
  if (ecr) {
    const [, accountId = '', separator, fips, region = '', domain = ''] = ecr
    let partition = PARTITION_BY_DOMAIN[domain] ?? 'aws'
    // GovCloud shares the commercial domain; its regions say which partition it is.
    if (partition === 'aws' && region.startsWith('us-gov-')) partition = 'aws-us-gov'
    return {
      ...base('ecr'),
      accountId,
      region,
      partition,
      fips: fips !== undefined,
      dualStack: separator === '-',
    }
  }

  const gar = GAR_HOST.exec(name)
  if (gar) return {...base('gar'), ...(gar[1] ? {region: gar[1]} : {})}
  const gcr = GCR_HOST.exec(name)
  if (gcr) return {...base('gcr'), ...(gcr[1] ? {region: gcr[1]} : {})}
  const acr = ACR_HOST.exec(name)
  if (acr?.[1]) return {...base('acr'), registryName: acr[1]}
  return base('other')
}

/**
 * The command that (re)creates a login for this registry, the way its provider documents it. The
 * username is a placeholder (`USER`) when unknown. For ECR the `aws` CLI needs the region; the
 * FIPS and dual-stack hosts are logged in to under their own names.
 */
export function loginCommand(provider: Provider, username?: string): string {
  const user = username && /^[A-Za-z0-9._@+-]+$/.test(username) ? username : 'USER'
  switch (provider.id) {
    case 'ghcr': {
      return `docker login ghcr.io -u ${user} --password-stdin`
    }

    case 'docker-hub': {
      return `docker login -u ${user}`
    }

    case 'ecr': {
      return `aws ecr get-login-password --region ${provider.region ?? 'REGION'} | docker login --username AWS --password-stdin ${provider.host}`
    }

    case 'ecr-public': {
      // ECR Public's authorization tokens are issued in us-east-1 only.
      return 'aws ecr-public get-login-password --region us-east-1 | docker login --username AWS --password-stdin public.ecr.aws'
    }

    case 'gar':
    case 'gcr': {
      return `gcloud auth configure-docker ${hostname(provider.host)}`
    }

    case 'acr': {
      return `az acr login -n ${provider.registryName ?? 'NAME'}`
    }

    case 'quay':
    case 'other': {
      return `docker login ${provider.host}`
    }
  }
}

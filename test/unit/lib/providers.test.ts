/**
 * Registry host → provider, for every host form the providers document, and the login command
 * printed for each.
 */
import {describe, expect, it} from 'vitest'

import {identifyProvider, loginCommand} from '../../../src/lib/providers.js'

describe('identifyProvider: AWS ECR host forms', () => {
  it.each([
    // [host, region, partition, fips, dualStack]
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', 'us-east-1', 'aws', false, false],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com:443', 'eu-west-1', 'aws', false, false],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', 'us-east-1', 'aws', true, false],
    ['123456789012.dkr-ecr.us-east-1.on.aws', 'us-east-1', 'aws', false, true],
    ['123456789012.dkr-ecr-fips.us-east-2.on.aws', 'us-east-2', 'aws', true, true],
    ['123456789012.dkr.ecr.us-gov-west-1.amazonaws.com', 'us-gov-west-1', 'aws-us-gov', false, false],
    ['123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com', 'us-gov-east-1', 'aws-us-gov', true, false],
    ['123456789012.dkr-ecr.us-gov-west-1.on.aws', 'us-gov-west-1', 'aws-us-gov', false, true],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'cn-north-1', 'aws-cn', false, false],
    ['123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn', 'cn-northwest-1', 'aws-cn', false, true],
    ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', 'eusc-de-east-1', 'aws-eusc', false, false],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', 'us-iso-east-1', 'aws-iso', false, false],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', 'us-isob-east-1', 'aws-iso-b', false, false],
    ['123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk', 'eu-isoe-west-1', 'aws-iso-e', false, false],
    ['123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov', 'us-isof-south-1', 'aws-iso-f', false, false],
    ['123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM', 'us-east-1', 'aws', false, false],
  ])('%s', (host, region, partition, fips, dualStack) => {
    expect(identifyProvider(host)).toMatchObject({id: 'ecr', accountId: '123456789012', region, partition, fips, dualStack})
    expect(loginCommand(identifyProvider(host))).toBe(
      `aws ecr get-login-password --region ${region} | docker login --username AWS --password-stdin ${host.toLowerCase()}`,
    )
  })

  it.each([
    '12345678901.dkr.ecr.us-east-1.amazonaws.com', // 11 digits
    '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example', // suffix attack
    'evil123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr.us-east-1.on.aws.example',
  ])('not ECR: %s', (host) => {
    expect(identifyProvider(host).id).toBe('other')
  })
})

describe('identifyProvider: other providers', () => {
  it.each([
    ['ghcr.io', 'ghcr', {}, 'docker login ghcr.io -u USER --password-stdin'],
    ['docker.io', 'docker-hub', {}, 'docker login -u USER'],
    ['index.docker.io', 'docker-hub', {}, 'docker login -u USER'],
    ['registry-1.docker.io', 'docker-hub', {}, 'docker login -u USER'],
    ['public.ecr.aws', 'ecr-public', {}, 'aws ecr-public get-login-password --region us-east-1 | docker login --username AWS --password-stdin public.ecr.aws'],
    ['europe-west4-docker.pkg.dev', 'gar', {region: 'europe-west4'}, 'gcloud auth configure-docker europe-west4-docker.pkg.dev'],
    ['us-docker.pkg.dev', 'gar', {region: 'us'}, 'gcloud auth configure-docker us-docker.pkg.dev'],
    ['gcr.io', 'gcr', {}, 'gcloud auth configure-docker gcr.io'],
    ['eu.gcr.io', 'gcr', {region: 'eu'}, 'gcloud auth configure-docker eu.gcr.io'],
    ['myreg.azurecr.io', 'acr', {registryName: 'myreg'}, 'az acr login -n myreg'],
    ['myreg.azurecr.cn', 'acr', {registryName: 'myreg'}, 'az acr login -n myreg'],
    ['govreg.azurecr.us', 'acr', {registryName: 'govreg'}, 'az acr login -n govreg'],
    ['quay.io', 'quay', {}, 'docker login quay.io'],
    ['QUAY.IO:443', 'quay', {}, 'docker login quay.io:443'],
    ['quay.example.com', 'other', {}, 'docker login quay.example.com'],
    ['registry.example.com:5000', 'other', {}, 'docker login registry.example.com:5000'],
    ['127.0.0.1:5000', 'other', {}, 'docker login 127.0.0.1:5000'],
    ['notghcr.io', 'other', {}, 'docker login notghcr.io'],
    ['gcr.io.evil.example', 'other', {}, 'docker login gcr.io.evil.example'],
  ])('%s → %s', (host, id, extra, command) => {
    const provider = identifyProvider(host)
    expect(provider).toMatchObject({id, ...extra})
    expect(loginCommand(provider)).toBe(command)
  })

  it('puts a safe username into the login command, and USER for anything shell-like', () => {
    expect(loginCommand(identifyProvider('ghcr.io'), 'octocat')).toBe('docker login ghcr.io -u octocat --password-stdin')
    expect(loginCommand(identifyProvider('ghcr.io'), 'a; rm -rf /')).toBe('docker login ghcr.io -u USER --password-stdin')
  })
})

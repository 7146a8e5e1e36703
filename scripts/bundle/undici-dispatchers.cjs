// What the registry transport (src/lib/registry/transport.ts) takes from undici, and nothing more:
// the keep-alive Agent and the EnvHttpProxyAgent, with the request API on every dispatcher as
// undici's own index.js installs it (`Object.assign(Dispatcher.prototype, api)`). The bundle
// (scripts/bundle.mjs) resolves the transport's `import 'undici'` to this file, so a registry
// command does not load undici's fetch, WebSocket, cache and mock modules (about 2/3 of it).
'use strict'

const Dispatcher = require('undici/lib/dispatcher/dispatcher')
const api = require('undici/lib/api')

Object.assign(Dispatcher.prototype, api)

module.exports = {
  Agent: require('undici/lib/dispatcher/agent'),
  EnvHttpProxyAgent: require('undici/lib/dispatcher/env-http-proxy-agent'),
}

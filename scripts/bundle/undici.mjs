// The ESM face of undici inside the bundle (scripts/bundle.mjs), for every importer but the
// registry transport. A dynamic `import('undici')` of the CommonJS package, split into a chunk of
// its own, would expose only `default` (esbuild cannot know a CommonJS module's export names), so
// `const {EnvHttpProxyAgent, fetch} = await import('undici')` would get undefined. Add a name here
// when source code imports a new one from undici.
import undici from 'undici/index.js'

export const {Agent, EnvHttpProxyAgent, ProxyAgent, fetch, request} = undici
export default undici

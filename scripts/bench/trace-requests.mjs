// Preloaded by the bench (`node --import ./scripts/bench/trace-requests.mjs bin/run.js …`): records,
// from undici's diagnostics channels (undici docs/api/DiagnosticsChannel.md), when each HTTP
// request is created, when a connection is opened (and to which origin), and when each response
// has been read to its end, and the CPU time and peak RSS at exit; writes them as JSON to $REGCTL_TRACE_FILE when the process exits.
// Times are epoch milliseconds (performance.timeOrigin + performance.now()), so the parent can set
// them against the moment it spawned the process and the moment it saw the process exit.
import diagnostics from 'node:diagnostics_channel'
import {writeFileSync} from 'node:fs'

const file = process.env.REGCTL_TRACE_FILE
const now = () => performance.timeOrigin + performance.now()
const cpu = () => {
  const {user, system} = process.cpuUsage()
  return (user + system) / 1000
}
const trace = {timeOrigin: performance.timeOrigin, created: [], cpuAtFirstRequest: 0, connected: [], completed: [], exit: 0, cpuAtExit: 0, maxRssKiB: 0}

diagnostics.subscribe('undici:request:create', () => {
  if (trace.created.length === 0) trace.cpuAtFirstRequest = cpu()
  trace.created.push(now())
})
diagnostics.subscribe('undici:client:connected', ({connectParams}) =>
  trace.connected.push({at: now(), origin: `${connectParams.protocol}//${connectParams.host}`}),
)
// `trailers` fires once the whole body has been received: the response is complete.
diagnostics.subscribe('undici:request:trailers', () => trace.completed.push(now()))

process.once('exit', () => {
  trace.exit = now()
  trace.cpuAtExit = cpu()
  trace.maxRssKiB = process.resourceUsage().maxRSS
  if (file) writeFileSync(file, JSON.stringify(trace))
})

/**
 * Whether the process ends as soon as the command returns: the command bundles' entry
 * (scripts/bundle.mjs, run by bin/run.js) says so before it runs the command, and bin/run.js calls
 * `process.exit()` right after. Then a command does not close its keep-alive connections one by
 * one: destroying the TLS sockets (undici's destroy chain, an error object per closed socket, the
 * TLS handles) took 15–40 ms of CPU after the last response (issue 10, exit lag: auth status,
 * ghcr ls, audit), and the exit closes every descriptor anyway, which the peer sees the same way
 * (a FIN). Run any other way (oclif's `execute`, tests calling a command in-process), commands
 * close their connections as before.
 */
let exitsAfterCommand = false

/**
 * Called by the bundle entry (a virtual module of scripts/bundle.mjs, which knip cannot see): the
 * process exits when the command returns.
 * @public
 */
export function exitAfterCommand(): void {
  exitsAfterCommand = true
}

/** Runs `close` (ending keep-alive connections) unless the process exits right after the command. */
export async function closeConnections(close: () => Promise<void>): Promise<void> {
  if (!exitsAfterCommand) await close()
}

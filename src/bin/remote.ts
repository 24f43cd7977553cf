// What the commands that talk to a running service share (npm run import / export): where it is
// and the key to send, from flags or ANTQ_URL / ANTQ_API_KEY, and how a problem is printed.

export interface Remote {
  url: string
  key: string
}

export class CommandError extends Error {}

export function remoteOf(flags: { url?: string | undefined; key?: string | undefined }): Remote {
  const url = flags.url ?? process.env.ANTQ_URL ?? 'http://127.0.0.1:3000'
  const key = flags.key ?? process.env.ANTQ_API_KEY
  if (!key) throw new CommandError('Give an API key: --key <key> or ANTQ_API_KEY.')
  return { url: url.replace(/\/+$/, ''), key }
}

export const authorization = (remote: Remote) => ({ authorization: `Bearer ${remote.key}` })

/** One line for a problem+json answer (or any other failed answer). */
export async function problemLine(response: Response): Promise<string> {
  const text = await response.text()
  try {
    const problem = JSON.parse(text) as { code?: string; detail?: string }
    return `${response.status} ${problem.code ?? ''}: ${problem.detail ?? text}`
  } catch {
    return `${response.status}: ${text.slice(0, 300)}`
  }
}

/** Runs a command: exit status 0 when it returns true, 1 otherwise or on an error (one line). */
export function runRemote(main: () => Promise<boolean>) {
  main().then(
    (ok) => {
      process.exitCode = ok ? 0 : 1
    },
    (error: unknown) => {
      const message =
        error instanceof CommandError
          ? error.message
          : error instanceof Error && 'cause' in error && error.cause instanceof Error
            ? `${error.message}: ${error.cause.message}`
            : String(error)
      process.stderr.write(`${message}\n`)
      process.exitCode = 1
    },
  )
}

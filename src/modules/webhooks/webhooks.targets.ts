// Where deliveries may go. `WEBHOOK_ALLOWED_HOSTS` lists host names (`*.example.vn`: the domain
// and its subdomains); empty allows any. Checked when a subscription is written and again before
// every attempt, so that narrowing the list stops deliveries to hosts no longer allowed.

export function hostAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  if (allowedHosts.length === 0) return true
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '')
  return allowedHosts.some((allowed) =>
    allowed.startsWith('*.')
      ? host === allowed.slice(2) || host.endsWith(allowed.slice(1))
      : host === allowed,
  )
}

/** Why `url` cannot be a webhook target, or null when it can. */
export function targetProblem(url: string, allowedHosts: readonly string[]): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'is not a URL'
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be http or https'
  if (parsed.username || parsed.password)
    return 'must not carry a user or password (they would be logged); authenticate with the signature'
  if (!hostAllowed(parsed, allowedHosts))
    return `host ${parsed.hostname} is not in WEBHOOK_ALLOWED_HOSTS`
  return null
}

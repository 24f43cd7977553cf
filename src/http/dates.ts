// "Today" is the calendar day in Vietnam, where every user of the service is: a UTC date would
// still be yesterday until 07:00. Vietnam keeps UTC+7 all year (no daylight saving since 1975), so
// the day is plain arithmetic; Intl's time-zone formatting cost more than the rest of a GET.
const VIETNAM_UTC_OFFSET_MS = 7 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

// Most requests ask for today, and it changes once a day: the last answer is kept with its day.
let lastDay = NaN
let lastDate = ''

export function today(now: number = Date.now()): string {
  const day = Math.floor((now + VIETNAM_UTC_OFFSET_MS) / DAY_MS)
  if (day !== lastDay) {
    lastDate = new Date(day * DAY_MS).toISOString().slice(0, 10)
    lastDay = day
  }
  return lastDate
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The day before a YYYY-MM-DD date. */
export const dayBefore = (date: string) => addDays(date, -1)

/** The day after a YYYY-MM-DD date. */
export const dayAfter = (date: string) => addDays(date, 1)

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Normalises text as the service stores it: NFC, surrounding white space trimmed. */
export const cleanText = (text: string) => text.normalize('NFC').trim()

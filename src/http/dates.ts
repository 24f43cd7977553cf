// "Today" is the calendar day in Vietnam, where every user of the service is: a UTC date would
// still be yesterday until 07:00.
const vietnamDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

export function today(): string {
  return vietnamDay.format(new Date())
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

// Periods in the notation DHIS2 uses, so that data can flow to and from such systems: a year
// (2018), a half (2018S1), a quarter (2018Q3) or a month (201810).
export type PeriodType = 'year' | 'half' | 'quarter' | 'month'

export interface Period {
  period: string
  type: PeriodType
  year: number
  startsOn: string
  endsOn: string
}

export const PERIOD_PATTERN = '^[0-9]{4}(S[12]|Q[1-4]|0[1-9]|1[0-2])?$'
const MIN_YEAR = 1990
const MAX_YEAR = 2100

const pad = (n: number) => String(n).padStart(2, '0')
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

function span(
  period: string,
  type: PeriodType,
  year: number,
  firstMonth: number,
  months: number,
): Period {
  const endMonth = firstMonth + months - 1
  return {
    period,
    type,
    year,
    startsOn: `${year}-${pad(firstMonth)}-01`,
    endsOn: `${year}-${pad(endMonth)}-${pad(lastDay(year, endMonth))}`,
  }
}

/** The period a code names, or undefined when it is not one (or its year is out of range). */
export function parsePeriod(code: string): Period | undefined {
  const match = /^(\d{4})(?:S([12])|Q([1-4])|(0[1-9]|1[0-2]))?$/.exec(code)
  if (!match) return undefined
  const year = Number(match[1])
  if (year < MIN_YEAR || year > MAX_YEAR) return undefined
  const [, , half, quarter, month] = match
  if (half) return span(code, 'half', year, Number(half) * 6 - 5, 6)
  if (quarter) return span(code, 'quarter', year, Number(quarter) * 3 - 2, 3)
  if (month) return span(code, 'month', year, Number(month), 1)
  return span(code, 'year', year, 1, 12)
}

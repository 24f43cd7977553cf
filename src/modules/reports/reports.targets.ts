// Campaign targets (chỉ tiêu) and how each is measured from a report's figures.
import type { Figures, KindGroup, TargetResult } from './reports.schemas.js'

export const METRICS = {
  certifiedRate: 'certified / eligible over `kinds` (default all groups), 0..1',
  certifiedCount: 'certified units of `kinds` (default all groups)',
  weakCount: 'units rated weak among `kinds` (default communeLevel, agency, business)',
  forumCount: 'forums held',
  hamletsCovered: 'distinct hamlets that hosted a forum',
  consultationCount: 'consultations held',
  attendees: 'attendees of forums and consultations',
  formsDistributed: 'forms distributed',
  opinionsReceived: 'opinions received',
  reEducated: 'people re-educated',
  reformed: 'people who became law-abiding',
} as const
export type Metric = keyof typeof METRICS
export const OPS = ['>=', '<=', '>', '<', '='] as const
export type Op = (typeof OPS)[number]

export interface Target {
  metric: Metric
  kinds?: KindGroup[] | undefined
  op: Op
  value: number
}

const ALL_GROUPS: KindGroup[] = ['communeLevel', 'hamlet', 'agency', 'business', 'school']
const WEAK_GROUPS: KindGroup[] = ['communeLevel', 'agency', 'business']

export const round4 = (x: number) => Math.round(x * 10_000) / 10_000

/** The metrics that are one figure of the report as it is (the others are computed below). */
const FIGURE: Record<
  Exclude<Metric, 'certifiedRate' | 'certifiedCount' | 'weakCount'>,
  (figures: Figures) => number
> = {
  forumCount: (f) => f.meetings.forums,
  hamletsCovered: (f) => f.meetings.hamletsCovered,
  consultationCount: (f) => f.meetings.consultations,
  attendees: (f) => f.meetings.attendees,
  formsDistributed: (f) => f.meetings.formsDistributed,
  opinionsReceived: (f) => f.meetings.opinionsReceived,
  reEducated: (f) => f.reeducation.reEducated,
  reformed: (f) => f.reeducation.reformed,
}

/** The metric's value in the figures; null when it cannot be computed. */
export function measure(figures: Figures, target: Pick<Target, 'metric' | 'kinds'>): number | null {
  const c = figures.certifications
  const groups = (fallback: KindGroup[]) => target.kinds ?? fallback
  const total = (field: 'eligible' | 'certified', gs: KindGroup[]) =>
    gs.reduce((sum, g) => sum + c[g][field], 0)
  switch (target.metric) {
    case 'certifiedRate': {
      const eligible = total('eligible', groups(ALL_GROUPS))
      return eligible === 0 ? null : round4(total('certified', groups(ALL_GROUPS)) / eligible)
    }
    case 'certifiedCount':
      return total('certified', groups(ALL_GROUPS))
    case 'weakCount':
      return groups(WEAK_GROUPS).reduce((sum, g) => sum + c.weak[g], 0)
    default:
      return FIGURE[target.metric](figures)
  }
}

const compare: Record<Op, (a: number, b: number) => boolean> = {
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '=': (a, b) => a === b,
}

export function evaluateTargets(
  figures: Figures,
  campaigns: { code: string; targets: Target[] }[],
): TargetResult[] {
  return campaigns.flatMap((campaign) =>
    campaign.targets.map((target) => {
      const actual = measure(figures, target)
      return {
        campaign: campaign.code,
        metric: target.metric,
        kinds: target.kinds ?? null,
        op: target.op,
        value: target.value,
        actual,
        met: actual === null ? null : compare[target.op](actual, target.value),
      }
    }),
  )
}

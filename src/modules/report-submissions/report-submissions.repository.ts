// The report_submissions table, always read with its unit's and its recipient's code, name and
// kind. Functions take the database or a transaction.
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely'
import type {
  DB,
  ReportSubmissionsTable,
  SubmissionStatus,
  SubmissionStep,
  UnitKind,
} from '../../db/schema.js'

export type SubmissionRow = Selectable<ReportSubmissionsTable> & {
  unit_code: string
  unit_name: string
  unit_kind: UnitKind
  recipient_code: string | null
  recipient_name: string | null
  recipient_kind: UnitKind | null
  recipient_path: string | null
}

export interface NewSubmission {
  unit_id: string
  unit_path: string
  year: number
  version: number
  recipient_unit_id: string | null
  submitted_by_key_id: string | null
  submitted_by_name: string
  deadline: string
  note: string | null
  snapshot: string
  snapshot_sha256: string
}

export interface SubmissionFilter {
  limit: number
  scopePath: string | null
  year?: number
  underPath?: string
  unitId?: string
  recipientId?: string
  status?: SubmissionStatus
  /** The last (submitted_at, id) of the previous page. */
  after?: [string, string]
}

/** SQL: one step of a submission's history, at the transaction's time. */
const historyStep = (step: Omit<SubmissionStep, 'at'>) =>
  sql`jsonb_build_object('action', ${step.action}::text,
    'at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'by', jsonb_build_object('keyId', ${step.by.keyId}::uuid, 'name', ${step.by.name}::text),
    'reason', ${step.reason}::text)`

/** SQL: today's date in Vietnam (UTC+7, no daylight saving). */
const VIETNAM_TODAY = sql<string>`((now() at time zone 'UTC') + interval '7 hours')::date`

export function createSubmissionsRepository(db: Kysely<DB>) {
  const withUnits = (tx: Kysely<DB>) =>
    tx
      .selectFrom('report_submissions as s')
      .innerJoin('units as u', 'u.id', 's.unit_id')
      .leftJoin('units as r', 'r.id', 's.recipient_unit_id')
      .selectAll('s')
      .select([
        'u.code as unit_code',
        'u.name as unit_name',
        'u.kind as unit_kind',
        'r.code as recipient_code',
        'r.name as recipient_name',
        'r.kind as recipient_kind',
        'r.path as recipient_path',
      ])

  const findById = (id: string, tx: Kysely<DB> = db): Promise<SubmissionRow | undefined> =>
    withUnits(tx).where('s.id', '=', id).executeTakeFirst()

  return {
    findById,

    /** The submission, locked until the transaction ends. */
    lockById: (id: string, tx: Transaction<DB>) =>
      withUnits(tx).where('s.id', '=', id).forUpdate('s').executeTakeFirst() as Promise<
        SubmissionRow | undefined
      >,

    /** The unit's submissions for the year, newest version first. */
    versionsOf: (unitId: string, year: number, tx: Kysely<DB>) =>
      tx
        .selectFrom('report_submissions')
        .select(['id', 'version', 'status'])
        .where('unit_id', '=', unitId)
        .where('year', '=', year)
        .orderBy('version', 'desc')
        .execute(),

    insert: async (values: NewSubmission, tx: Kysely<DB>): Promise<SubmissionRow> => {
      const { id } = await tx
        .insertInto('report_submissions')
        .values({
          ...values,
          status: 'submitted',
          // The deadline is a day of Vietnam's calendar.
          on_time: sql<boolean>`${VIETNAM_TODAY} <= ${values.deadline}::date`,
          history: sql`jsonb_build_array(${historyStep({
            action: 'submit',
            by: { keyId: values.submitted_by_key_id, name: values.submitted_by_name },
            reason: null,
          })})`,
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow()
      return (await findById(id, tx))!
    },

    /** Moves a submission to `status`, appending the step to its history. */
    decide: async (
      id: string,
      status: SubmissionStatus,
      step: Omit<SubmissionStep, 'at'>,
      tx: Kysely<DB>,
    ): Promise<SubmissionRow> => {
      await tx
        .updateTable('report_submissions')
        .set({
          status,
          decided_at: sql`now()`,
          decided_by_key_id: step.by.keyId,
          decided_by_name: step.by.name,
          reason: step.reason,
          history: sql`history || jsonb_build_array(${historyStep(step)})`,
          updated_at: sql`now()`,
        } as never)
        .where('id', '=', id)
        .execute()
      return (await findById(id, tx))!
    },

    list: (f: SubmissionFilter) => {
      let query = withUnits(db)
      if (f.scopePath !== null)
        query = query.where(sql<boolean>`s.unit_path <@ ${f.scopePath}::ltree`)
      if (f.underPath !== undefined)
        query = query.where(sql<boolean>`s.unit_path <@ ${f.underPath}::ltree`)
      if (f.year !== undefined) query = query.where('s.year', '=', f.year)
      if (f.unitId !== undefined) query = query.where('s.unit_id', '=', f.unitId)
      if (f.recipientId !== undefined)
        query = query.where('s.recipient_unit_id', '=', f.recipientId)
      if (f.status !== undefined) query = query.where('s.status', '=', f.status)
      if (f.after)
        query = query.where(
          sql<boolean>`(s.submitted_at, s.id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)`,
        )
      return query
        .orderBy('s.submitted_at', 'desc')
        .orderBy('s.id', 'desc')
        .limit(f.limit + 1)
        .execute() as Promise<SubmissionRow[]>
    },

    /**
     * The units that report to `recipientId` (its children of the reporting levels valid on
     * `date`; the provinces for the country), each with its latest submission for the year.
     */
    completeness: (
      recipientId: string | null,
      year: number,
      date: string,
      kinds: readonly UnitKind[],
    ) =>
      sql<{
        id: string
        code: string
        name: string
        kind: UnitKind
        submission_id: string | null
        version: number | null
        status: SubmissionStatus | null
        submitted_at: Date | null
        on_time: boolean | null
      }>`
        select u.id, u.code, u.name, u.kind, s.id as submission_id, s.version, s.status,
          s.submitted_at, s.on_time
        from units u
        left join lateral (
          select s.* from report_submissions s
          where s.unit_id = u.id and s.year = ${year}
          order by s.version desc limit 1
        ) s on true
        where ${recipientId === null ? sql`u.parent_id is null` : sql`u.parent_id = ${recipientId}::uuid`}
          and u.kind = any(${[...kinds]}::text[])
          and daterange(u.valid_from, u.valid_to, '[]') @> ${date}::date
        order by u.code`.execute(db),
  }
}

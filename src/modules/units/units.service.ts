// The rules of units: references resolved by date, kinds and parents, validity inside the
// parent's, codes never overlapping in time, scopes, and an audit entry for every write.
import { type Kysely, type Transaction, sql } from 'kysely'
import type { DB } from '../../db/schema.js'
import { UUID_PATTERN, cleanText, today } from '../../http/dates.js'
import { type ConditionalChange, type ConditionalRemoval, lockMatching } from '../../http/etag.js'
import { HttpProblem, conflict, forbidden, notFound, unprocessable } from '../../http/errors.js'
import type { Asking, Caller } from '../../http/caller.js'
import { type UnitListParams, listUnits } from './units.list.js'
import { recordAudit } from '../../records/index.js'
import { insertUnitInOneStatement } from './units.create.js'
import { PARENT_KINDS } from './units.kinds.js'
import { describeValidity, toUnit } from './units.mapper.js'
import {
  type NewUnit,
  type UnitRow,
  createUnitsRepository,
  unitInsertValues,
} from './units.repository.js'
import type { CreateUnit, PatchUnit } from './units.schemas.js'

export type Access = 'read' | 'write'

/** Two inclusive periods (null: open) share a day. */
const overlapping = (a: [string | null, string | null], b: [string | null, string | null]) =>
  (a[0] === null || b[1] === null || a[0] <= b[1]) &&
  (b[0] === null || a[1] === null || b[0] <= a[1])

const within = (inner: [string | null, string | null], outer: [string | null, string | null]) =>
  (outer[0] === null || (inner[0] !== null && inner[0] >= outer[0])) &&
  (outer[1] === null || (inner[1] !== null && inner[1] <= outer[1]))

function assertOrdered(from: string | null, to: string | null) {
  if (from !== null && to !== null && from > to) {
    throw unprocessable('INVALID_VALIDITY', `validFrom ${from} is after validTo ${to}.`, [
      { pointer: '/validTo', code: 'INVALID_VALIDITY', detail: 'is before validFrom' },
    ])
  }
}

export function createUnitsService(db: Kysely<DB>) {
  const units = createUnitsRepository(db)

  // A request's caller is read many times (each ref, each list); its scope path once.
  const scopePaths = new WeakMap<Caller, string>()

  async function scopePathOf(caller: Caller | null, tx: Kysely<DB> = db): Promise<string | null> {
    if (!caller?.scopeUnitId) return null
    const known = scopePaths.get(caller)
    if (known !== undefined) return known
    const scope = await units.findById(caller.scopeUnitId, tx)
    const path = scope?.path ?? 'none' // a scope that no longer exists confines to nothing
    scopePaths.set(caller, path)
    return path
  }

  function inScope(row: Pick<UnitRow, 'path'>, scopePath: string | null): boolean {
    return scopePath === null || row.path === scopePath || row.path.startsWith(`${scopePath}.`)
  }

  /**
   * The 404 for a ref, naming the other periods of its code that the caller may see: outside
   * a key's scope a code reads exactly like a code nobody has.
   */
  async function notFoundFor(
    ref: string,
    date: string,
    caller: Caller | null,
    tx: Kysely<DB> = db,
  ) {
    if (UUID_PATTERN.test(ref)) return notFound(`No unit ${ref}.`, 'UNIT_NOT_FOUND')
    const scopePath = await scopePathOf(caller, tx)
    const periods = (await units.periodsOfCode(ref, tx)).filter((p) => inScope(p, scopePath))
    if (periods.length === 0) return notFound(`No unit has the code ${ref}.`, 'UNIT_NOT_FOUND')
    const valid = periods
      .map((p) => `${p.name} from ${describeValidity(p.valid_from, p.valid_to)}`)
      .join('; ')
    return notFound(
      `No unit with code ${ref} was valid on ${date}. The code was used by: ${valid}.`,
      'UNIT_NOT_FOUND',
    )
  }

  /**
   * Finds the unit a ref names on `date`. Outside the caller's scope a read answers 404 (its
   * existence is not revealed) and a write 403.
   */
  async function resolve(
    ref: string,
    date: string,
    caller: Caller | null,
    access: Access = 'read',
    tx: Kysely<DB> = db,
  ): Promise<UnitRow> {
    const row = await units.findByRef(ref, date, tx)
    if (!row) throw await notFoundFor(ref, date, caller, tx)
    await assertInScope(
      row.path,
      caller,
      access,
      `Unit ${ref}`,
      () => notFoundFor(ref, date, caller, tx),
      tx,
    )
    return row
  }

  /**
   * The units whose records a list shows: those in the caller's scope, and below `under` and of
   * `unit` where the query names them, codes resolved as of `asOf`.
   */
  async function recordUnitsOf(
    query: { under?: string | undefined; unit?: string | undefined },
    asOf: string,
    caller: Caller | null,
  ) {
    const under = query.under ? await resolve(query.under, asOf, caller) : undefined
    const unit = query.unit ? await resolve(query.unit, asOf, caller) : undefined
    return {
      scopePath: await scopePathOf(caller),
      ...(under ? { underPath: under.path } : {}),
      ...(unit ? { unitId: unit.id } : {}),
    }
  }

  /**
   * The units `pairs` of codes and dates name, for many records at once (bulk imports): each
   * the unit, or the problem a single write naming it would meet (404 none on that date, 403
   * outside the key's scope).
   */
  async function resolveCodes(
    pairs: { code: string; date: string }[],
    caller: Caller | null,
    tx: Kysely<DB> = db,
  ): Promise<(UnitRow | HttpProblem)[]> {
    const found = await units.findByCodesOn(pairs, tx)
    const scopePath = await scopePathOf(caller, tx)
    const answers = new Array<UnitRow | HttpProblem | undefined>(pairs.length)
    for (const { i, ...row } of found) {
      answers[i] = inScope(row, scopePath)
        ? row
        : forbidden(`Unit ${row.code} is outside this key's scope.`, 'OUT_OF_SCOPE')
    }
    // Problems are made for the pairs that need one only (an error captures a stack: costly by
    // the thousand).
    return pairs.map(
      ({ code, date }, i) =>
        answers[i] ?? notFound(`No unit with code ${code} was valid on ${date}.`, 'UNIT_NOT_FOUND'),
    )
  }

  /**
   * Confines a key to its scope for anything hanging at `path` (a unit, or a record's unit):
   * outside it a read answers the caller's 404 (existence is not revealed) and a write 403.
   */
  async function assertInScope(
    path: string,
    caller: Caller | null,
    access: Access,
    what: string,
    notFoundError: () => HttpProblem | Promise<HttpProblem>,
    tx: Kysely<DB> = db,
  ): Promise<void> {
    if (inScope({ path }, await scopePathOf(caller, tx))) return
    if (access === 'write') throw forbidden(`${what} is outside this key's scope.`, 'OUT_OF_SCOPE')
    throw await notFoundError()
  }

  /** 409 naming the unit that already holds `code` in an overlapping period. */
  async function overlapConflict(
    code: string,
    from: string | null,
    to: string | null,
    exceptId: string | null,
    tx: Kysely<DB>,
  ) {
    const other = await tx
      .selectFrom('units')
      .selectAll()
      .where('code', '=', code)
      .where(
        sql<boolean>`daterange(valid_from, valid_to, '[]') && daterange(${from}::date, ${to}::date, '[]')`,
      )
      .$if(exceptId !== null, (q) => q.where('id', '<>', exceptId!))
      .executeTakeFirst()
    if (!other) return undefined
    return conflict(
      'CODE_OVERLAP',
      `Code ${code} is already used by ${other.name} (${other.id}) from ${describeValidity(other.valid_from, other.valid_to)}; ` +
        'a code may be reused only when the periods do not overlap.',
    )
  }

  function checkParent(
    kind: NewUnit['kind'],
    parent: UnitRow | null,
    validity: [string | null, string | null],
  ) {
    const allowed = PARENT_KINDS[kind]
    if (parent === null && allowed.length > 0) {
      throw unprocessable('PARENT_REQUIRED', `A ${kind} needs a parent (${allowed.join(', ')}).`, [
        { pointer: '/parentId', code: 'PARENT_REQUIRED', detail: `give parentId or parentCode` },
      ])
    }
    if (parent !== null && !allowed.includes(parent.kind)) {
      const detail = allowed.length
        ? `A ${kind} may hang under ${allowed.join(', ')}, not under a ${parent.kind}.`
        : `A ${kind} has no parent.`
      throw unprocessable('INVALID_PARENT_KIND', detail, [
        { pointer: '/parentId', code: 'INVALID_PARENT_KIND', detail },
      ])
    }
    if (parent !== null && !within(validity, [parent.valid_from, parent.valid_to])) {
      throw unprocessable(
        'OUTSIDE_PARENT_VALIDITY',
        `The unit's validity (${describeValidity(...validity)}) must lie within its parent ${parent.code}'s (${describeValidity(parent.valid_from, parent.valid_to)}).`,
        [
          {
            pointer: '/validFrom',
            code: 'OUTSIDE_PARENT_VALIDITY',
            detail: 'outside the parent’s validity',
          },
        ],
      )
    }
  }

  /** Inserts a unit after every rule is checked; used by POST and by reorganisations. */
  async function insertChecked(
    unit: NewUnit & { parent: UnitRow | null },
    tx: Kysely<DB>,
  ): Promise<UnitRow> {
    assertOrdered(unit.validFrom, unit.validTo)
    checkParent(unit.kind, unit.parent, [unit.validFrom, unit.validTo])
    const overlap = await overlapConflict(unit.code, unit.validFrom, unit.validTo, null, tx)
    if (overlap) throw overlap
    return units.insert(unit, tx)
  }

  /**
   * insertChecked for many units at once (an import's batch): the same rules, the overlap check
   * for all of them in one query (and between the batch's own rows), then one insert. Each unit
   * comes back inserted, or as the problem that refused it; none is inserted if any is refused.
   */
  async function insertCheckedBatch(
    batch: (NewUnit & { parent: UnitRow | null })[],
    tx: Transaction<DB>,
  ): Promise<(UnitRow | HttpProblem)[]> {
    const results = batch.map((unit): HttpProblem | undefined => {
      try {
        assertOrdered(unit.validFrom, unit.validTo)
        checkParent(unit.kind, unit.parent, [unit.validFrom, unit.validTo])
        return undefined
      } catch (error) {
        if (error instanceof HttpProblem) return error
        throw error
      }
    })
    const { rows: overlaps } = await sql<UnitRow & { i: number }>`
      select k.i::int as i, u.* from unnest(${batch.map((u) => u.code)}::text[],
        ${batch.map((u) => u.validFrom)}::date[], ${batch.map((u) => u.validTo)}::date[])
        with ordinality as k(code, valid_from, valid_to, i)
      join units u on u.code = k.code
        and daterange(u.valid_from, u.valid_to, '[]') && daterange(k.valid_from, k.valid_to, '[]')`.execute(
      tx,
    )
    const overlapOf = (other: Pick<UnitRow, 'code' | 'name' | 'id' | 'valid_from' | 'valid_to'>) =>
      conflict(
        'CODE_OVERLAP',
        `Code ${other.code} is already used by ${other.name} (${other.id}) from ${describeValidity(other.valid_from, other.valid_to)}; ` +
          'a code may be reused only when the periods do not overlap.',
      )
    for (const other of overlaps) results[other.i - 1] ??= overlapOf(other)
    // Two rows of the batch for one code in overlapping periods: the later one is refused.
    const byCode = new Map<string, number[]>()
    batch.forEach((unit, i) => byCode.set(unit.code, [...(byCode.get(unit.code) ?? []), i]))
    for (const indexes of byCode.values()) {
      for (const [n, i] of indexes.entries()) {
        const unit = batch[i]!
        const earlier = indexes
          .slice(0, n)
          .find((j) =>
            overlapping([unit.validFrom, unit.validTo], [batch[j]!.validFrom, batch[j]!.validTo]),
          )
        if (earlier !== undefined)
          results[i] ??= overlapOf({
            code: unit.code,
            name: batch[earlier]!.name,
            id: 'another row of this file',
            valid_from: batch[earlier]!.validFrom,
            valid_to: batch[earlier]!.validTo,
          })
      }
    }
    // The accepted ones are inserted all the same: children later in the file look for them.
    const values = batch.map(unitInsertValues)
    const accepted = values.filter((_, i) => !results[i])
    const inserted = new Map(
      (accepted.length === 0
        ? []
        : await tx.insertInto('units').values(accepted).returningAll().execute()
      ).map((row) => [row.id, row]),
    )
    return results.map((problem, i) => problem ?? inserted.get(values[i]!.id)!)
  }

  async function create(body: CreateUnit, { caller, actor }: Asking): Promise<UnitRow> {
    if (body.parentId && body.parentCode) {
      throw unprocessable('AMBIGUOUS_PARENT', 'Give parentId or parentCode, not both.', [
        {
          pointer: '/parentCode',
          code: 'AMBIGUOUS_PARENT',
          detail: 'give one of parentId and parentCode',
        },
      ])
    }
    const validFrom = body.validFrom ?? null
    const validTo = body.validTo ?? null
    const parentRef = body.parentId ?? body.parentCode
    const name = cleanText(body.name)
    if (parentRef) {
      assertOrdered(validFrom, validTo)
      const inserted = await insertUnitInOneStatement(
        db,
        {
          code: body.code,
          name,
          kind: body.kind,
          parentRef,
          parentOn: validFrom ?? today(),
          validFrom,
          validTo,
          attributes: body.attributes ?? {},
        },
        await scopePathOf(caller),
        actor,
      )
      if (inserted) return inserted
      // Refused: the step by step path below finds out why and says so.
    }
    return db.transaction().execute(async (tx) => {
      const parent = parentRef
        ? await resolve(parentRef, validFrom ?? today(), caller, 'write', tx)
        : null
      if (!parent && (await scopePathOf(caller, tx)) !== null)
        throw forbidden('A scoped key may create units only inside its scope.', 'OUT_OF_SCOPE')
      const row = await insertChecked(
        {
          code: body.code,
          name,
          kind: body.kind,
          parent,
          validFrom,
          validTo,
          attributes: body.attributes ?? {},
        },
        tx,
      )
      await recordAudit(tx, actor, {
        action: 'create',
        entity: 'unit',
        entityId: row.id,
        unitId: row.id,
        after: toUnit(row),
      })
      return row
    })
  }

  /**
   * Updates a unit's name, validity and attributes after every rule is checked (validity inside
   * the parent's, around every child's, no code overlap); used by PATCH and by imports.
   */
  async function updateChecked(
    current: UnitRow,
    change: {
      name?: string
      validFrom: string | null
      validTo: string | null
      attributes?: Record<string, unknown>
    },
    tx: Kysely<DB>,
  ): Promise<UnitRow> {
    const { validFrom, validTo } = change
    assertOrdered(validFrom, validTo)
    const parent = current.parent_id ? await units.findById(current.parent_id, tx) : null
    checkParent(current.kind, parent ?? null, [validFrom, validTo])
    const outside = await units.childrenOutside(current.id, validFrom, validTo, tx)
    if (outside.length > 0) {
      const list = outside
        .slice(0, 10)
        .map((c) => `${c.code} (${describeValidity(c.valid_from, c.valid_to)})`)
      throw unprocessable(
        'CHILDREN_OUTSIDE_VALIDITY',
        `${outside.length} child unit(s) would be valid outside the new period: ${list.join(', ')}. Close or reorganise them first.`,
      )
    }
    const overlap = await overlapConflict(current.code, validFrom, validTo, current.id, tx)
    if (overlap) throw overlap
    return units.update(
      current.id,
      {
        ...(change.name !== undefined ? { name: cleanText(change.name) } : {}),
        valid_from: validFrom,
        valid_to: validTo,
        ...(change.attributes !== undefined
          ? { attributes: JSON.stringify(change.attributes) }
          : {}),
      },
      tx,
    )
  }

  async function patch(
    { found, body, ifMatch }: ConditionalChange<UnitRow, PatchUnit>,
    { actor }: Asking,
  ): Promise<UnitRow> {
    return db.transaction().execute(async (tx) => {
      const current = await lockMatching(units.lockById(found.id, tx), ifMatch, toUnit, {
        required: true,
      })
      const updated = await updateChecked(
        current,
        {
          ...(body.name !== undefined ? { name: body.name } : {}),
          validFrom: body.validFrom === undefined ? current.valid_from : body.validFrom,
          validTo: body.validTo === undefined ? current.valid_to : body.validTo,
          ...(body.attributes !== undefined ? { attributes: body.attributes } : {}),
        },
        tx,
      )
      await recordAudit(tx, actor, {
        action: 'update',
        entity: 'unit',
        entityId: current.id,
        unitId: current.id,
        before: toUnit(current),
        after: toUnit(updated),
      })
      return updated
    })
  }

  async function remove(
    { found, ifMatch }: ConditionalRemoval<UnitRow>,
    { actor }: Asking,
  ): Promise<void> {
    await db.transaction().execute(async (tx) => {
      const current = await lockMatching(units.lockById(found.id, tx), ifMatch, toUnit)
      if (await units.hasChildren(current.id, tx)) {
        throw conflict(
          'UNIT_HAS_CHILDREN',
          `Unit ${current.code} has child units; close it with validTo instead.`,
        )
      }
      try {
        await units.delete(current.id, tx)
      } catch (error) {
        if ((error as { code?: string }).code === '23503') {
          throw conflict(
            'UNIT_IN_USE',
            `Unit ${current.code} is referred to (records, lineage or API keys); close it with validTo instead.`,
          )
        }
        throw error
      }
      await recordAudit(tx, actor, {
        action: 'delete',
        entity: 'unit',
        entityId: current.id,
        unitId: null,
        before: toUnit(current),
      })
    })
  }

  return {
    repository: units,
    /** A page of units (the list and a unit's children). */
    list: (p: UnitListParams) => listUnits(db, p),
    ancestors: units.ancestors,
    findById: units.findById,
    findByRef: units.findByRef,
    resolve,
    resolveCodes,
    recordUnitsOf,
    scopePathOf,
    inScope,
    assertInScope,
    insertChecked,
    insertCheckedBatch,
    updateChecked,
    create,
    patch,
    remove,
  }
}

export type UnitsService = ReturnType<typeof createUnitsService>

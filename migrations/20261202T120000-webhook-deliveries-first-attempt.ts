import { type Kysely, sql } from 'kysely'

// A subscription is disabled when one of its deliveries fails for good and no delivery has
// succeeded since that delivery's first attempt. Comparing the time the subscription started
// failing with "now minus the retry window" missed it whenever the first attempt came a little
// after the delivery was created: the delivery ran out of its window while the subscription had
// failed for slightly less than the window, and nothing was disabled. The first attempt is kept
// on the delivery, so the rule reads what happened rather than the clock.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('webhook_deliveries')
    .addColumn('first_attempt_at', 'timestamptz')
    .execute()
  // Deliveries already tried: their first attempt is not known; the subscription's failing
  // since is the latest it can have been for one still failing, the creation time otherwise.
  await sql`
    update webhook_deliveries d set first_attempt_at = coalesce(
      (select w.failing_since from webhooks w where w.id = d.webhook_id and d.status <> 'succeeded'),
      d.created_at)
    where d.attempts > 0`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').dropColumn('first_attempt_at').execute()
}

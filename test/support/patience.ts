// How long a test waits for what is bound to happen — a delivery to arrive, a background job to
// finish, a child process to start or exit. Waiting costs nothing when it happens at once, so the
// deadline is generous: a laptop busy with other work must never miss it. It is never a measure
// of speed; a test that asserts how fast something happens says so with its own figures.
// TEST_PATIENCE_MS overrides it (a long debugging session, a very slow machine).
export const PATIENCE_MS = Number(process.env.TEST_PATIENCE_MS ?? 300_000)

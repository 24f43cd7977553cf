// npm run migrate: applies pending migrations to the configured database and exits.
import { runCommand } from './cli.js'

// runCommand migrates before it calls back: what is left is to say what it did.
await runCommand('migrate', async (_db, { migrated }) => {
  console.log(migrated.length ? migrated.join('\n') : 'already up to date')
})

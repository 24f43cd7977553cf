// PGlite has no cross-process lock: two processes on one folder silently lose writes. A lock
// file holding the owner's pid makes a second process fail loudly, and a crash leaves a lock
// whose pid is dead, which the next start takes over.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by process ${ownerPid}. Stop that process, or set ` +
        'DATA_DIR to another folder (or DATABASE_URL to a PostgreSQL server).',
    )
    this.name = 'DataDirLockedError'
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the folder's lock or throws DataDirLockedError; returns the function that releases it. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const lockPath = join(dataDir, 'antq.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      const release = () => {
        if (released) return
        released = true
        process.off('exit', release)
        try {
          unlinkSync(lockPath)
        } catch {
          // Already gone: nothing to release.
        }
      }
      process.on('exit', release)
      return release
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const ownerPid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10)
      if (Number.isInteger(ownerPid) && isAlive(ownerPid)) {
        throw new DataDirLockedError(dataDir, ownerPid)
      }
      unlinkSync(lockPath) // left by a process that died: take it over
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`)
}

import { randomUUID } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LedgerInUseError } from '../errors';

/** Name of the lock file inside the ledger directory. */
export const LOCK_FILE = 'LOCK.pid';

export interface DirLock {
  /** Removes the lock file if it is still ours. */
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  startedAt: string;
  token: string;
  /** What holds it, for people: e.g. `autorenew renew` (the command name only, never its arguments). */
  label?: string;
}

function parseOwner(text: string): LockOwner | undefined {
  const [pid, startedAt, token, label] = text.split('\n');
  const n = Number(pid);
  return Number.isInteger(n) && n > 0
    ? { pid: n, startedAt: startedAt ?? '?', token: token ?? '', ...(label ? { label } : {}) }
    : undefined;
}

/** The command this process runs, for the lock file: `autorenew <command>` (no arguments: they may be private). */
function describeSelf(): string {
  const command = (process.argv[2] ?? '').replace(/[^a-z-]/gi, '').slice(0, 20);
  return command ? `autorenew ${command}` : 'autorenew';
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return parseOwner(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** True if a process with this pid exists (EPERM: it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dir: string, owner: LockOwner): LedgerInUseError {
  // Never "use another directory": that is an empty ledger, without the claims and holds that stop a purchase. A
  // lock naming this very pid may be a killed run's whose pid this process got again (a container runs the same
  // command with the same pid), or a live run in another container sharing the volume: it cannot be told from
  // here, so a person decides (review 2026-12-04; taking it over let a second writer in).
  return new LedgerInUseError(
    `ledger in use: ${dir} is locked by process ${owner.pid} (started ${owner.startedAt}${owner.label ? `, ${owner.label}` : ''}); ` +
      `wait for it to finish; if no autorenew command is running (anywhere that shares this directory), delete ${join(dir, LOCK_FILE)} and run it again`,
  );
}

/**
 * Takes the one-process lock of a ledger directory (`<dir>/LOCK.pid`: pid, start time, token).
 * The file is written completely under a temporary name and then hard-linked into place, so it appears atomically
 * with its content (no reader ever sees a half-written lock). A lock whose process is gone is taken over; the
 * stale file is first renamed away, which only one contender can do, so two takers cannot both win.
 * Throws LedgerInUseError when a live process (this one included) holds it.
 */
export async function acquireDirLock(dir: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    token: randomUUID(),
    label: describeSelf(),
  };
  const temp = join(dir, `${LOCK_FILE}.${me.token}.tmp`);
  await writeFile(temp, `${me.pid}\n${me.startedAt}\n${me.token}\n${me.label}\n`);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(temp, path);
        return { release: () => releaseIfOwned(path, me.token) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = await readOwner(path);
      if (owner && isProcessAlive(owner.pid)) throw inUse(dir, owner);
      await removeStale(path, owner);
    }
    const owner = await readOwner(path);
    throw inUse(dir, owner ?? { pid: 0, startedAt: 'unknown', token: '' });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function removeStale(path: string, seen: LockOwner | undefined): Promise<void> {
  const aside = `${path}.stale.${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it first
    throw err;
  }
  const moved = await readOwner(aside);
  if (moved && seen && moved.token !== seen.token && isProcessAlive(moved.pid)) {
    // We moved a fresh lock taken between our read and our rename: put it back and let the caller re-check.
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

async function releaseIfOwned(path: string, token: string): Promise<void> {
  const owner = await readOwner(path).catch(() => undefined);
  if (owner?.token === token) await unlink(path).catch(() => undefined);
}

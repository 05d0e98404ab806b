/*
 * What check's last look found about an open batch entry, kept as its `message` until it settles: the entry's stuck
 * line gives it as the reason (notices.ts), and close-batch leaves such an entry to the person.
 */

/** The task says renewed and the expiry has not moved (a listing lag): a renewal by hand would be a second one. */
export const TASK_SAYS_RENEWED =
  'its task says renewed, but the registrar still shows the old expiry: do not renew it by hand';

/** The registrar says the domain is not in the account (DomainNotExist): check can never settle it. */
export const NOT_IN_ACCOUNT =
  'the registrar does not find it in this account (transferred out or deleted?): look in the console, then close the batch (autorenew close-batch)';

/**
 * The task list shows our task finished, its rows never list the domain, and its expiry has not moved: nothing shows
 * it was bought, and nothing more of the task will run. Its stuck line said "task not finished in time", beside
 * advice to wait (review 2026-12-07).
 */
export const FINISHED_WITHOUT_ROW =
  'its task finished without a row for it and the expiry has not moved: nothing shows it was bought; look in the console, then close the batch (autorenew close-batch) so the next renew run buys it, or renew it by hand';

/**
 * The same, while the task was first seen finished less than JUST_RENEWED_MS ago: a renewal's new expiry can show up
 * to two days after its task ran, and a person told "close the batch, or renew it by hand" an hour after our queued
 * task ran bought the expiry a second time, or had the next renew run buy it (review 2026-12-07, twenty-ninth
 * session). No word of buying here: check says {@link FINISHED_WITHOUT_ROW} once the two days are over. Its first
 * NOTE_PREFIX_CHARS differ from that note's ({@link hasNote} tells notes apart by them: the review of the wait found
 * the change to "act" never written, the two read as one).
 */
export const FINISHED_WITHOUT_ROW_RECENTLY =
  'wait: its task finished without a row for it and the expiry has not moved yet; a new expiry can show up to 2 days after its task ran, so wait (buying it now or closing the batch may pay for it twice); check says when nothing more can show it was bought';

/**
 * {@link FINISHED_WITHOUT_ROW} when closing the batch would not have the next renew run buy it: a batch-mate still
 * holds the batch (waited for, {@link FINISHED_WITHOUT_ROW_RECENTLY}, or its row renewed, or may still run), so
 * close-batch refuses it until after this one lapses (review 2026-12-07, twenty-ninth session, third round; a success
 * row lagging: thirtieth session); or the renew job's window for it (window.daysAfterExpiry) ends before its next run
 * (closed as told, the next run skipped it past-window and it lapsed after one line: thirtieth session). So it says
 * to renew by hand, not to close. The first NOTE_PREFIX_CHARS are those of the notes stored before.
 */
export const FINISHED_WITHOUT_ROW_BY_HAND =
  'renew it by hand: its task finished without a row for it and the expiry has not moved (nothing shows it was bought), and closing its batch would not have it bought in time (a batch-mate may still show a renewal, or the renew job no longer buys it); look in the console first, and renew it by hand if it still shows the old expiry and no renewal in its task list';

/**
 * The task's row for the domain has a TaskStatusCode nobody documented: it may still run (close-batch holds it), so a
 * person must look, not renew by hand (review 2026-12-07).
 */
export function unknownRowNote(code: number): string {
  return `${UNKNOWN_ROW_PREFIX}(TaskStatusCode ${code}): it may still run; look at the task in the console first (a renewal by hand before it shows failed may be a second one)`;
}

const UNKNOWN_ROW_PREFIX = 'its row has a status this tool does not know ';

/** True when the entry's note is an {@link unknownRowNote}. */
export function hasUnknownRowNote(entry: { message?: string }): boolean {
  return entry.message?.startsWith(UNKNOWN_ROW_PREFIX) === true;
}

/**
 * The task's row for the domain failed while the task may still run (a failure is final only once the task list shows
 * the task finished, check.ts): the stuck line gives the registrar's reason, not "task not finished in time" (review
 * 2026-12-04).
 * @param reason the registrar's text, already bounded (boundText)
 */
export function heldFailureNote(reason: string): string {
  return `${HELD_FAILURE_PREFIX}${reason}); held back until its task shows finished (the rest of it may still run): look the task up in the console task list`;
}

const HELD_FAILURE_PREFIX = 'its row failed (';

/** True when the entry's note is a {@link heldFailureNote}: stale once the row no longer says failed. */
export function hasHeldFailureNote(entry: { message?: string }): boolean {
  return entry.message?.startsWith(HELD_FAILURE_PREFIX) === true;
}

/** The ledger may shorten a long entry message to fit its item (ledger/items.ts): notes are told apart by a prefix. */
const NOTE_PREFIX_CHARS = 40;

/** True when the entry carries `note` (whole, or as the ledger shortened it). */
export function hasNote(entry: { message?: string }, note: string): boolean {
  return entry.message?.slice(0, NOTE_PREFIX_CHARS) === note.slice(0, NOTE_PREFIX_CHARS);
}

/**
 * "Change it, or create it if it is missing" in a form that stays right when several requests or
 * copies of the app do it at once. Each step is one atomic operation: change the document if it is
 * there, else insert it. An insert that meets a duplicate key means someone else created it first, so
 * the change is made again, on their document.
 *
 * Used instead of an upsert that returns the document: two upserts that both miss can end with a
 * duplicate key (MongoDB retries that on the server only in some cases), and the embedded engine
 * (DATABASE.md) answers some upserts that meet a concurrent insert without the document, although it
 * applied them, so what they counted is lost.
 */

/** A unique index refused the write: the document (or the key) is someone else's already. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000;
}

/**
 * Runs `change` (which answers null or undefined when there is nothing to change) and, when there was
 * nothing, `create`; a duplicate key from `create` sends it back to `change`. A document removed
 * between the steps (an expiry, a reset) is created again, a few times at most.
 */
export async function changeOrCreate<T>(change: () => Promise<T | null | undefined>, create: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const changed = await change();
    if (changed !== null && changed !== undefined) return changed;
    try {
      return await create();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new Error('a document kept appearing and disappearing while it was being created');
}

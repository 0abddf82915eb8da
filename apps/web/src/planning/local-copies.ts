/** The IndexedDB name of a user's local copy of a plan (unsynced edits survive a closed tab). */
export const localPlanDbName = (userId: string, planId: string): string => `tongke-plan:${userId}:${planId}`;

/**
 * Deletes the user's local plan copies, on logout: school computers are shared, and the next
 * person at the keyboard must not find another teacher's drafts. Best effort (where the browser
 * cannot list its databases, the copies stay and are only readable through this app's login).
 */
export async function forgetLocalPlans(userId: string): Promise<void> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const prefix = `tongke-plan:${userId}:`;
  const dbs = await indexedDB.databases().catch(() => []);
  await Promise.all(
    dbs
      .map((d) => d.name)
      .filter((name): name is string => !!name && name.startsWith(prefix))
      .map(
        (name) =>
          new Promise<void>((resolve) => {
            const req = indexedDB.deleteDatabase(name);
            req.onsuccess = req.onerror = req.onblocked = () => resolve();
          }),
      ),
  );
}

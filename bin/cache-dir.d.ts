/** Types of bin/cache-dir.js, which the launcher and the runtime share. */
export function cacheRoot(env?: NodeJS.ProcessEnv): string;
export function pruneOldest(dir: string, max: number, keep: number): void;

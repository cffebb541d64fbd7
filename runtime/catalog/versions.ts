import type { Version } from './schema';

/**
 * KumoMTA versions are date-stamped tags (`2024.09.02-c5476b89`); `dev` sorts after every release.
 * The commit suffix does not take part in ordering.
 */
export function compareVersions(a: Version, b: Version): number {
  return versionKey(a).localeCompare(versionKey(b));
}

function versionKey(v: Version): string {
  if (v === 'dev' || v === 'main') return '9999.99.99';
  const m = /^(\d{4})\.(\d{2})\.(\d{2})/.exec(v);
  if (!m) throw new Error(`not a KumoMTA version: '${v}' (expected YYYY.MM.DD-commit or dev)`);
  return `${m[1]}.${m[2]}.${m[3]}`;
}

/** True when `v` looks like a KumoMTA version tag (the date part is enough: `2024.09.02`). */
export function isVersion(v: string): boolean {
  return v === 'dev' || /^\d{4}\.\d{2}\.\d{2}(-[0-9a-f]+)?$/.test(v);
}

/** Whether something introduced in `since` is present in `target` (a missing `since` means "always"). */
export function availableIn(since: Version | null | undefined, target: Version): boolean {
  return !since || compareVersions(since, target) <= 0;
}

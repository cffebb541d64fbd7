import { FSWatcher, readdirSync, statSync, watch } from 'node:fs';

/**
 * A wake-up hint like tokio's `Notify::notify_one`: at most one stored permit. The tailer always rescans and
 * re-reads after waking, so spurious wake-ups are harmless.
 */
export class Notifier {
  private permit = false;
  private waiter: (() => void) | undefined;

  notify(): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w();
    } else this.permit = true;
  }

  /** Resolves on a notification (or a stored permit), or after `timeoutMs` (undefined: no timeout). */
  wait(timeoutMs: number | undefined): Promise<void> {
    if (this.permit) {
      this.permit = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        if (this.waiter === done) this.waiter = undefined;
        resolve();
      };
      this.waiter = done;
      if (timeoutMs !== undefined) timer = setTimeout(done, Math.max(0, timeoutMs));
    });
  }
}

export interface DirectoryWatcher {
  close(): void;
}

/**
 * Watches `directory` non-recursively. Native mode uses fs.watch (inotify on Linux), which cannot tell a chmod from
 * a data write, so it wakes on both. Poll mode rescans names, sizes and mtimes every `pollMs` and wakes on any
 * new file or change: unlike notify's PollWatcher as kumod filters it, a new segment does wake an idle tailer.
 */
export function watchDirectory(directory: string, notifier: Notifier, pollMs?: number): DirectoryWatcher {
  if (pollMs === undefined) {
    let w: FSWatcher | undefined;
    try {
      w = watch(directory, { persistent: false }, () => notifier.notify());
      w.on('error', () => notifier.notify());
    } catch {
      w = undefined;
    }
    return { close: () => w?.close() };
  }
  let last = snapshot(directory);
  const timer = setInterval(() => {
    const now = snapshot(directory);
    if (now !== last) {
      last = now;
      notifier.notify();
    }
  }, Math.max(1, pollMs));
  timer.unref();
  return { close: () => clearInterval(timer) };
}

function snapshot(directory: string): string {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return '<missing>';
  }
  names.sort();
  const parts: string[] = [];
  for (const n of names) {
    try {
      const st = statSync(directory + '/' + n);
      parts.push(`${n}:${st.size}:${st.mtimeMs}`);
    } catch {
      parts.push(n);
    }
  }
  return parts.join('\n');
}

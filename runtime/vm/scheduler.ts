/**
 * Runs Lua code as cooperative tasks, one Lua thread each, interleaved on the JS event loop.
 * A host function suspends its task with `suspend` (or `awaitPromise`): the thread yields, and the scheduler
 * resumes it when the JS side settles, pushing the results (or raising the error) inside the thread through a
 * continuation, so this works under pcall and in generic-for iterators too.
 * The count hook stops a task that runs longer than the limit without yielding, or that was cancelled.
 */
import { lua, LuaState, LUA_OK, LUA_YIELD, lstr, raise, toJsString, toLuaString } from './lua-api';
import { errorFromThread, collectFrames, locate, LuaError } from './errors';
import type { ChunkNames } from './chunk-names';

/** Reads a finished task's results from its thread (values at 1..n). */
export type ResultReader<R> = (thread: LuaState, n: number) => R;

export interface SchedulerOptions {
  /** Longest a task may run without yielding, in ms (default 10 s). 0 disables the limit. */
  timeoutMs?: number;
  /** Shared flag polled by the hook: non-zero means cancel (works even while Lua holds the JS thread). */
  cancelFlag?: Int32Array;
  /** Instructions between two hook checks. */
  hookInterval?: number;
}

/** How a suspended host call ends: push results (return their count), or raise an error. */
export type Settlement = { push: (L: LuaState) => number } | { error: string };

interface Task {
  id: number;
  name: string;
  /** `_KUMO_CURRENT_EVENT` while this task runs. */
  event: string | null;
  thread: LuaState;
  nargs: number;
  started: boolean;
  settlement?: Settlement;
  waiting: boolean;
  killed?: { kind: 'timeout' | 'cancelled'; message: string };
  resumedAt: number;
  done: boolean;
  finish(thread: LuaState, n: number): void;
  fail(error: LuaError): void;
}

export class Scheduler {
  private readonly ready: Task[] = [];
  private readyHead = 0;
  private readonly byThread = new Map<LuaState, Task>();
  private current: Task | undefined;
  private pumping = false;
  private scheduled = false;
  private nextId = 1;
  private cancelled?: string;
  readonly timeoutMs: number;
  private readonly cancelFlag?: Int32Array;

  constructor(private readonly L: LuaState, private readonly names: ChunkNames, opts: SchedulerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.cancelFlag = opts.cancelFlag;
    lua.lua_sethook(L, (L1: LuaState) => this.hook(L1), lua.LUA_MASKCOUNT, opts.hookInterval ?? 1000);
  }

  /** Number of live tasks (running, ready or waiting). */
  get size(): number {
    return this.byThread.size;
  }

  /** The task running the given thread, or the task whose coroutine it is (the one now running). */
  private taskOf(L: LuaState): Task | undefined {
    return this.byThread.get(L);
  }

  /**
   * Starts a task: `pushFunction` pushes the function and its arguments onto the new thread and returns the
   * argument count. Resolves with `read(thread, nresults)`; rejects with a LuaError.
   */
  spawn<R>(name: string, event: string | null, pushFunction: (thread: LuaState) => number, read: ResultReader<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.cancelled) {
        reject(new LuaError(this.cancelled, [], undefined, 'cancelled'));
        return;
      }
      const thread = lua.lua_newthread(this.L) as LuaState;
      lua.lua_pop(this.L, 1); // fengari threads live as long as JS holds them; the Task does
      let nargs: number;
      try {
        nargs = pushFunction(thread);
      } catch (e) {
        reject(e);
        return;
      }
      const task: Task = {
        id: this.nextId++, name, event, thread, nargs, started: false, waiting: false, resumedAt: 0, done: false,
        finish: (t, n) => {
          try {
            resolve(read(t, n));
          } catch (e) {
            reject(e);
          }
        },
        fail: reject,
      };
      this.byThread.set(thread, task);
      this.enqueue(task);
    });
  }

  /**
   * Suspends the task running on `L` until `start`'s callback settles it. Call as `return sched.suspend(L, ...)`
   * from a host function. Raises in L if L is not a task's own thread (a plain coroutine cannot wait).
   */
  suspend(L: LuaState, what: string, start: (settle: (s: Settlement) => void) => void): number {
    const task = this.taskOf(L);
    if (!task) {
      return raise(L, `${what} cannot wait here: it was called inside a coroutine that the runtime does not drive (coroutine.wrap/resume); call it from the event handler or task itself`);
    }
    let settled = false;
    task.waiting = true;
    start((s) => {
      if (settled || task.done) return;
      settled = true;
      task.settlement = s;
      task.waiting = false;
      this.enqueue(task);
    });
    return lua.lua_yieldk(L, 0, 0, (L1: LuaState) => {
      const s = task.settlement!;
      task.settlement = undefined;
      if ('error' in s) return raise(L1, s.error);
      return s.push(L1);
    });
  }

  /** Suspends until the promise settles; `push` turns its value into Lua results. */
  awaitPromise<T>(L: LuaState, what: string, promise: Promise<T>, push: (L: LuaState, value: T) => number): number {
    return this.suspend(L, what, (settle) => {
      promise.then(
        (v) => settle({ push: (L1) => push(L1, v) }),
        (e) => settle({ error: e instanceof Error ? e.message : String(e) }),
      );
    });
  }

  /**
   * Runs `fn`, which calls Lua synchronously on `thread` (lua_pcall), under the same time limit and
   * cancellation as tasks; such code cannot wait, and a stop raises a (repeated) error instead of yielding.
   * Returns the kill reason if the hook stopped it.
   */
  guarded<R>(thread: LuaState, fn: () => R): { result: R; killed?: { kind: 'timeout' | 'cancelled'; message: string } } {
    const pseudo = this.beginSync(thread);
    try {
      return { result: fn(), killed: pseudo.killed };
    } finally {
      this.endSync(pseudo);
    }
  }

  private readonly syncTasks: Task[] = [];

  /** Starts a synchronous call on `thread` under the limit (see guarded); pair with endSync. */
  beginSync(thread: LuaState): { killed?: { kind: 'timeout' | 'cancelled'; message: string } } {
    const pseudo = (this.syncTasks.pop() ?? ({} as Task)) as Task & { prev?: Task };
    pseudo.thread = thread;
    pseudo.resumedAt = Date.now();
    pseudo.killed = undefined;
    pseudo.started = false;
    pseudo.prev = this.current;
    this.current = pseudo;
    return pseudo;
  }

  endSync(handle: { killed?: unknown }): void {
    const pseudo = handle as Task & { prev?: Task };
    this.current = pseudo.prev;
    pseudo.prev = undefined;
    this.syncTasks.push(pseudo);
  }

  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  /** A timer for host functions (sleep, timeouts) that cancelAll clears, so nothing outlives a stop. */
  setTimer(ms: number, fn: () => void): void {
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
  }

  /** Stops every task: waiting and ready ones fail with `message`, a running one at its next hook. */
  cancelAll(message = 'cancelled'): void {
    this.cancelled = message;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const task of [...this.byThread.values()]) {
      if (task === this.current) task.killed ??= { kind: 'cancelled', message };
      else this.end(task, () => task.fail(new LuaError(message, collectFrames(task.thread, this.names), undefined, 'cancelled')));
    }
  }

  private enqueue(task: Task): void {
    this.ready.push(task);
    if (!this.pumping && !this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  /** Runs ready tasks; gives the event loop a turn every ~20 ms so timers and I/O go on. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const began = Date.now();
    try {
      while (this.readyHead < this.ready.length) {
        if (Date.now() - began > 20) {
          this.scheduled = true;
          setImmediate(() => {
            this.scheduled = false;
            this.pump();
          });
          break;
        }
        const task = this.ready[this.readyHead++];
        if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
          this.ready.splice(0, this.readyHead);
          this.readyHead = 0;
        }
        if (!task.done) this.step(task);
      }
    } finally {
      this.pumping = false;
    }
  }

  private step(task: Task): void {
    const { thread } = task;
    this.current = task;
    this.setCurrentEvent(task.event);
    task.resumedAt = Date.now();
    const nargs = task.started ? 0 : task.nargs;
    task.started = true;
    let status: number;
    try {
      status = lua.lua_resume(thread, null, nargs);
    } catch (e) {
      // A JS exception escaping fengari (a bug in a host function): fail the task with it.
      this.current = undefined;
      this.end(task, () => task.fail(new LuaError(`internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, [], undefined)));
      return;
    }
    this.current = undefined;
    if (status === LUA_OK) {
      this.end(task, () => task.finish(thread, lua.lua_gettop(thread)));
    } else if (status === LUA_YIELD) {
      if (task.killed) {
        const frames = collectFrames(thread, this.names);
        const err = new LuaError(task.killed.message, frames, locate(task.killed.message, frames, this.names), task.killed.kind);
        this.end(task, () => task.fail(err));
      } else if (!task.waiting) {
        // A plain coroutine.yield() at the task's top level: let others run, then go on.
        lua.lua_settop(thread, 0);
        this.enqueue(task);
      }
    } else {
      const kind = task.killed?.kind ?? 'error';
      this.end(task, () => task.fail(errorFromThread(thread, this.names, kind)));
    }
  }

  private end(task: Task, report: () => void): void {
    if (task.done) return;
    task.done = true;
    this.byThread.delete(task.thread);
    report();
  }

  private setCurrentEvent(event: string | null): void {
    if (event === null) lua.lua_pushnil(this.L);
    else lua.lua_pushstring(this.L, lstr(event));
    lua.lua_setglobal(this.L, lstr('_KUMO_CURRENT_EVENT'));
  }

  /** The count hook: enforces the time limit and cancellation. */
  private hook(L: LuaState): void {
    const task = this.current;
    if (!task) return;
    if (!task.killed) {
      if (this.cancelFlag && Atomics.load(this.cancelFlag, 0) !== 0) {
        task.killed = { kind: 'cancelled', message: this.where(L) + 'cancelled' };
        this.cancelAll('cancelled');
      } else if (this.timeoutMs > 0 && Date.now() - task.resumedAt > this.timeoutMs) {
        task.killed = {
          kind: 'timeout',
          message: `${this.where(L)}stopped: the script ran for more than ${fmtSeconds(this.timeoutMs)} without yielding (the limit is set with --timeout or the runtime's timeout option)`,
        };
      } else return;
    }
    // Yield out of the task's own thread (nothing in Lua can catch that); elsewhere raise, again and again.
    if (L === task.thread && task.started && lua.lua_isyieldable(L)) lua.lua_yield(L, 0);
    else {
      lua.lua_pushstring(L, toLuaString(task.killed.message));
      lua.lua_error(L);
    }
  }

  /** `file:line: ` of the Lua code running on L. */
  private where(L: LuaState): string {
    const ar = new lua.lua_Debug();
    for (let level = 0; lua.lua_getstack(L, level, ar); level++) {
      lua.lua_getinfo(L, 'Sl', ar);
      if (ar.currentline > 0) return `${toJsString(ar.short_src)}:${ar.currentline}: `;
    }
    return '';
  }
}

function fmtSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

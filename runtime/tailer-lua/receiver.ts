/**
 * A local HTTP receiver for trying webhook scripts: listens on 127.0.0.1 only, accepts any POST/PUT, injects
 * failures (a status from `statuses`, 429 and 5xx by default) with probability `failRate` and delays responses,
 * and counts what it accepted: requests, records (a JSON array body counts its elements), per path.
 * `GET /_stats` returns the counts as JSON; `GET /_received` the accepted records' ids (or bodies) per path.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceiverOptions {
  port?: number;
  /** Probability of answering with a failure status (0..1). */
  failRate?: number;
  /** Failure statuses, picked at random; default [429, 503]. */
  statuses?: number[];
  /** Delay before answering, in ms. */
  slowMs?: number;
  /** Fraction of requests delayed (default 1 when slowMs is set). */
  slowRate?: number;
  /** Deterministic injection. */
  seed?: number;
  /** Keep each accepted record's id (or the whole record when it has none), for /_received. Default true. */
  keepRecords?: boolean;
  onRequest?: (info: { method: string; path: string; status: number; records: number; ms: number }) => void;
}

export interface PathStats {
  requests: number;
  accepted: number;
  failed: number;
  records: number;
  bytes: number;
}

export interface ReceiverStats {
  requests: number;
  accepted: number;
  failed: number;
  /** Records in accepted requests. */
  records: number;
  /** Records in requests answered with a failure. */
  rejectedRecords: number;
  byStatus: Record<string, number>;
  byPath: Record<string, PathStats>;
}

const REASONS: Record<number, string> = { 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout', 400: 'Bad Request', 404: 'Not Found' };

export class WebhookReceiver {
  readonly stats: ReceiverStats = { requests: 0, accepted: 0, failed: 0, records: 0, rejectedRecords: 0, byStatus: {}, byPath: {} };
  readonly received = new Map<string, unknown[]>();
  private server: Server | undefined;
  private rng: () => number;

  constructor(private readonly options: ReceiverOptions = {}) {
    let s = (options.seed ?? 0) >>> 0;
    this.rng = options.seed === undefined ? Math.random : () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Starts listening on 127.0.0.1; resolves with the base URL. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      const server = createServer((req, res) => void this.handle(req, res));
      server.keepAliveTimeout = 5000;
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        this.server = server;
        resolve(this.url);
      });
    });
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    return a ? `http://127.0.0.1:${a.port}` : '';
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = Date.now();
    const path = (req.url ?? '/').split('?')[0];
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method === 'GET' && path === '/_stats') return this.reply(res, 200, JSON.stringify(this.stats));
    if (req.method === 'GET' && path === '/_received') return this.reply(res, 200, JSON.stringify(Object.fromEntries(this.received)));
    if (req.method !== 'POST' && req.method !== 'PUT') return this.reply(res, 405, 'POST or PUT a webhook payload here\n');
    let items: unknown[] = [];
    let parsed = true;
    try {
      const v = body.length ? JSON.parse(body.toString('utf8')) : null;
      items = Array.isArray(v) ? v : v === null ? [] : [v];
    } catch {
      parsed = false;
      items = [body.toString('utf8')];
    }
    const slow = (this.options.slowMs ?? 0) > 0 && this.rng() < (this.options.slowRate ?? 1);
    if (slow) await new Promise((r) => setTimeout(r, this.options.slowMs));
    const fail = this.rng() < (this.options.failRate ?? 0);
    const statuses = this.options.statuses?.length ? this.options.statuses : [429, 503];
    const status = fail ? statuses[Math.floor(this.rng() * statuses.length)] : parsed ? 200 : 400;
    const ps = (this.stats.byPath[path] ??= { requests: 0, accepted: 0, failed: 0, records: 0, bytes: 0 });
    this.stats.requests++;
    ps.requests++;
    ps.bytes += body.length;
    this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      this.stats.accepted++;
      ps.accepted++;
      this.stats.records += items.length;
      ps.records += items.length;
      if (this.options.keepRecords !== false) {
        const list = this.received.get(path) ?? [];
        for (const it of items) list.push(typeof it === 'object' && it !== null && 'id' in it ? (it as { id: unknown }).id : it);
        this.received.set(path, list);
      }
    } else {
      this.stats.failed++;
      ps.failed++;
      this.stats.rejectedRecords += items.length;
    }
    this.options.onRequest?.({ method: req.method, path, status, records: items.length, ms: Date.now() - t0 });
    this.reply(res, status, status === 200 ? JSON.stringify({ accepted: items.length }) : status === 400 ? 'body is not JSON\n' : `injected failure: ${REASONS[status] ?? status}\n`);
  }

  private reply(res: ServerResponse, status: number, text: string): void {
    res.writeHead(status, REASONS[status] ?? undefined, { 'content-type': text.startsWith('{') || text.startsWith('[') ? 'application/json' : 'text/plain' });
    res.end(text);
  }
}

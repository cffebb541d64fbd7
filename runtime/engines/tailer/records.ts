import { rfc3339 } from './segment-name';

/**
 * Realistic kumod log records (JsonLogRecord field order; `tls_*`, `provider_name`, `session_id` omitted when
 * null), for tests, benchmarks and sample data. Deterministic for a given seed.
 */
export interface RecordFactoryOptions {
  seed?: number;
  /** Unix seconds of the first record; later records move forward a little each. */
  startTime?: number;
  /** Egress pools (the seed's webhook example filters on these). */
  pools?: string[];
}

const TYPE_WEIGHTS: [string, number][] = [
  ['Reception', 34], ['Delivery', 30], ['TransientFailure', 12], ['Bounce', 8], ['Delayed', 5], ['Rejection', 4],
  ['OOB', 2], ['Feedback', 1], ['Expiration', 1], ['AdminBounce', 1], ['AdminRebind', 1], ['XferOut', 0.5], ['XferIn', 0.5],
];
const DOMAINS: [string, string, string][] = [
  ['gmail.com', '(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com', 'gmail-smtp-in.l.google.com.'],
  ['yahoo.com', '(mta5|mta6|mta7).am0.yahoodns.net', 'mta6.am0.yahoodns.net.'],
  ['outlook.com', 'outlook-com.olc.protection.outlook.com', 'outlook-com.olc.protection.outlook.com.'],
  ['example.org', 'example-org.mail.protection.outlook.com', 'example-org.mail.protection.outlook.com.'],
  ['example.net', 'mx1.example.net', 'mx1.example.net.'],
];
const FIRST = ['jane', 'kim', 'lee', 'omar', 'ana', 'raj', 'li', 'sam', 'eva', 'tom', 'mia', 'noah'];
const LAST = ['doe', 'park', 'chen', 'haddad', 'silva', 'patel', 'wei', 'ross', 'berg', 'ito'];
const CAMPAIGNS = ['spring-sale', 'newsletter', 'flash', 'welcome', 'receipts'];
const BOUNCES: [number, [number, number, number], string, string][] = [
  [550, [5, 1, 1], "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos", 'InvalidRecipient'],
  [554, [5, 7, 9], 'Message not accepted for policy reasons. See https://postmaster.example/policy', 'PolicyRelated'],
  [552, [5, 2, 2], 'Mailbox full: quota exceeded', 'QuotaIssues'],
  [550, [5, 7, 1], 'Message rejected as spam by content filter', 'SpamContent'],
];
const TEMPFAILS: [number, [number, number, number] | null, string][] = [
  [421, [4, 7, 0], 'Temporary System Problem. Try again later (10)'],
  [451, [4, 3, 0], 'Mail server temporarily rejected message'],
  [450, [4, 2, 1], 'The user you are trying to contact is receiving mail too quickly'],
  [400, null, 'KumoMTA internal: failed to connect to any candidate hosts: connection timed out'],
];

export class RecordFactory {
  private state: number;
  private time: number;
  private readonly pools: string[];
  private readonly nodeid: string;
  private seq = 0;

  constructor(options: RecordFactoryOptions = {}) {
    this.state = (options.seed ?? 42) >>> 0 || 1;
    this.time = options.startTime ?? 1_757_675_281;
    this.pools = options.pools ?? ['customer-a', 'customer-b', 'customer-c'];
    this.nodeid = this.uuidHyphenated();
  }

  /** xorshift32 in [0, 1). */
  private rand(): number {
    let x = this.state;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.state = x;
    return x / 0x1_0000_0000;
  }
  private int(n: number): number { return Math.floor(this.rand() * n); }
  private pick<T>(list: readonly T[]): T { return list[this.int(list.length)]; }
  private hex(n: number): string { let s = ''; for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(16)]; return s; }
  private uuidHyphenated(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(4)]}${h.slice(17, 20)}-${h.slice(20)}`;
  }

  /** A v1 UUID in kumod's "simple" spool-id form whose time is `unixSeconds` + `nanos`. */
  private spoolId(unixSeconds: number, nanos: number): string {
    const ticks = BigInt(unixSeconds) * 10_000_000n + BigInt(Math.floor(nanos / 100)) + 0x01b21dd213814000n;
    const low = (ticks & 0xffffffffn).toString(16).padStart(8, '0');
    const mid = ((ticks >> 32n) & 0xffffn).toString(16).padStart(4, '0');
    const hi = (((ticks >> 48n) & 0x0fffn) | 0x1000n).toString(16).padStart(4, '0');
    const clock = (0x8000 | this.int(0x4000)).toString(16);
    return low + mid + hi + clock + '0242ac120002';
  }

  /** One record object, keys in kumod's serialisation order. */
  next(forceType?: string): Record<string, unknown> {
    this.seq++;
    this.time += this.rand() < 0.02 ? 1 : 0;
    const type = forceType ?? this.pickType();
    const pool = this.pick(this.pools);
    const tenant = pool;
    const campaign = this.rand() < 0.6 ? this.pick(CAMPAIGNS) : undefined;
    const [domain, site, mx] = this.pick(DOMAINS);
    const recipient = `${this.pick(FIRST)}.${this.pick(LAST)}${this.int(1000)}@${domain}`;
    const sender = `bounce-${this.int(100000)}@mail.${tenant}.example`;
    const queue = campaign ? `${campaign}:${tenant}@${domain}` : `${tenant}@${domain}`;
    const createdNanos = this.int(1_000_000_000);
    const created = this.time - (type === 'Reception' ? 0 : this.int(600));
    const eventNanos = this.int(1_000_000_000);
    const source = `ip-${1 + this.int(4)}`;
    const attempts = type === 'Reception' ? 0 : this.int(type === 'Delivery' ? 2 : 6);
    const size = type === 'Rejection' || type === 'OOB' || type === 'Expiration' ? 0 : 2000 + this.int(60000);
    const delivery = type === 'Delivery' || type === 'Bounce' || type === 'TransientFailure';
    const rejection = type === 'Rejection';
    let response: Record<string, unknown>;
    let classification = 'Uncategorized';
    let siteName = '';
    switch (type) {
      case 'Delivery':
        response = { code: 250, enhanced_code: { class: 2, subject: 0, detail: 0 }, content: `OK ${this.time} ${this.hex(12)} - gsmtp`, command: '.\r\n' };
        siteName = `${source}->${site}@smtp_client`;
        break;
      case 'Bounce': {
        const [code, ec, text, cls] = this.pick(BOUNCES);
        response = { code, enhanced_code: { class: ec[0], subject: ec[1], detail: ec[2] }, content: text, command: this.rand() < 0.5 ? '.\r\n' : `RCPT TO:<${recipient}>\r\n` };
        classification = cls;
        siteName = `${source}->${site}@smtp_client`;
        break;
      }
      case 'TransientFailure': {
        const [code, ec, text] = this.pick(TEMPFAILS);
        response = { code, enhanced_code: ec && { class: ec[0], subject: ec[1], detail: ec[2] }, content: text, command: ec ? '.\r\n' : null };
        classification = 'TransientFailure';
        siteName = ec ? `${source}->${site}@smtp_client` : '';
        break;
      }
      case 'Expiration':
        response = { code: 551, enhanced_code: { class: 5, subject: 4, detail: 7 }, content: 'Next delivery time would be 7days 2h after creation, which exceeds max_age=7days', command: null };
        classification = 'MessageExpired';
        break;
      case 'AdminBounce':
        response = { code: 551, enhanced_code: { class: 5, subject: 7, detail: 1 }, content: 'Administrator bounced with reason: campaign cancelled', command: null };
        siteName = 'localhost';
        break;
      case 'Rejection':
        response = { code: 550, enhanced_code: { class: 5, subject: 7, detail: 1 }, content: 'relaying not permitted', command: `RCPT TO:<${recipient}>\r\n` };
        classification = 'RelayingIssues';
        break;
      case 'Delayed':
        response = { code: 400, enhanced_code: null, content: `Context: {ReadyQueueWasSuspended}. Next due in 4m 12s at ${rfc3339(this.time + 252, 0)}`, command: null };
        break;
      case 'AdminRebind':
        response = { code: 250, enhanced_code: null, content: `Rebound from ${queue} to ${tenant}-warmup@${domain}: warmup`, command: null };
        break;
      case 'OOB':
        response = { code: 550, enhanced_code: { class: 5, subject: 1, detail: 1 }, content: 'user unknown', command: null };
        classification = 'InvalidRecipient';
        break;
      case 'Feedback':
        response = { code: 250, enhanced_code: null, content: '', command: null };
        classification = 'Unsubscribe';
        break;
      default:
        response = { code: 250, enhanced_code: null, content: '', command: null };
    }
    const tls = delivery && site !== 'mx1.example.net' && this.rand() < 0.9;
    const rec: Record<string, unknown> = {
      type,
      id: rejection ? '' : this.spoolId(created, createdNanos),
      sender,
      recipient: this.rand() < 0.05 ? [recipient, `${this.pick(FIRST)}@${domain}`] : recipient,
      queue: rejection ? '' : queue,
      site: siteName,
      size,
      response,
      peer_address: delivery
        ? { name: mx, addr: `192.0.2.${1 + this.int(250)}` }
        : type === 'Reception' || rejection
          ? { name: `app${this.int(10)}.${tenant}.example`, addr: `10.20.0.${1 + this.int(250)}` }
          : null,
      timestamp: this.time,
      event_time: rfc3339(this.time, eventNanos),
      created: rejection ? this.time : created,
      created_time: rfc3339(rejection ? this.time : created, rejection ? eventNanos : createdNanos),
      num_attempts: attempts,
      bounce_classification: classification,
      egress_pool: delivery || type === 'Expiration' ? pool : null,
      egress_source: delivery ? source : null,
      source_address: delivery ? { address: `203.0.113.${10 + this.int(4)}:0` } : null,
      feedback_report: type === 'Feedback' ? this.feedbackReport(recipient) : null,
      meta: campaign ? { tenant, campaign } : { tenant },
      headers: type === 'Reception' && this.rand() < 0.5 ? { Subject: 'Your weekly update' } : {},
      delivery_protocol: delivery ? 'ESMTP' : null,
      reception_protocol: type === 'Reception' ? (this.rand() < 0.7 ? 'ESMTP' : 'HTTP') : 'ESMTP',
      nodeid: this.nodeid,
    };
    if (tls) {
      rec.tls_cipher = 'TLS13_AES_256_GCM_SHA384';
      rec.tls_protocol_version = 'TLSv1_3';
      rec.tls_peer_subject_name = [`CN=${mx.slice(0, -1)}`];
    }
    if (delivery && this.rand() < 0.5) rec.provider_name = domain.split('.')[0];
    if (delivery || type === 'Reception' || rejection) rec.session_id = this.uuidHyphenated();
    return rec;
  }

  private pickType(): string {
    let r = this.rand() * 100;
    for (const [t, w] of TYPE_WEIGHTS) {
      if (r < w) return t;
      r -= w;
    }
    return 'Reception';
  }

  private feedbackReport(recipient: string): Record<string, unknown> {
    return {
      feedback_type: 'abuse', user_agent: 'SomeGenerator/1.0', version: '1', arrival_date: rfc3339(this.time - 60, 0),
      incidents: null, original_envelope_id: null, original_mail_from: null, original_rcpt_to: [recipient],
      reported_domain: null, reported_uri: null, reporting_mta: null, source_ip: null, authentication_results: [],
      extra: {}, original_message: null, supplemental_trace: null,
    };
  }

  /** The next record as one JSON line (no newline). */
  nextLine(forceType?: string): string {
    return JSON.stringify(this.next(forceType));
  }
}

/**
 * The instructor's outbox: lesson actions (done, absent) made without network, kept in the browser and sent when the
 * network is back, in the order they were made, one by one.
 *
 * Each action gets its `Idempotency-Key` ONCE, when it is queued, and sends it on every attempt: when an answer was
 * lost (the request reached the server, the phone never heard back), the next attempt gets the first answer again and
 * the server does the work only once (SPEC § 6.1). A refusal by the server (a 4xx: the office cancelled or moved the
 * lesson meanwhile) is kept as a conflict with the server's French message, until the instructor retries or discards
 * it: nothing is ever dropped silently. Retrying a refused action is a new request (the server answered and did
 * nothing; the old key would only replay its refusal), so it gets a new key.
 *
 * Pure logic: the storage, the sender and the key generator are injected (see runtime.ts for the browser's).
 */
import type { CompletionEvaluation } from '../pages/booklet/levels.ts';

export interface CompleteBody {
  comment: string | null;
  evaluations?: CompletionEvaluation[];
}

/** What the action does: POST /lessons/{id}/complete or /no-show. */
export type OutboxAction = { kind: 'complete'; lessonId: string; body: CompleteBody } | { kind: 'noShow'; lessonId: string };

/** The lesson as it was when the action was made: to say which lesson in the list, whatever the cache holds later. */
export interface LessonSnapshot {
  starts_at: string;
  ends_at: string;
  student_id: string | null;
  kind: string;
}

export type OutboxStatus = 'pending' | 'sending' | 'conflict';

export type OutboxEntry = OutboxAction & {
  /** The entry's id in the list (stable across retries). */
  id: string;
  /** The Idempotency-Key sent with every attempt of this request. */
  key: string;
  lesson: LessonSnapshot;
  queuedAt: string;
  status: OutboxStatus;
  attempts: number;
  /** The server's refusal (problem+json `detail`, in French), for a conflict. */
  error?: { status: number; detail: string };
};

/**
 * How an attempt ended: sent (2xx, or the replay of the first answer), `retry` (no answer: network failure, 5xx, 429,
 * 401 — the same key is sent again later), or refused by the server (4xx: kept as a conflict).
 */
export type SendOutcome<R = unknown> = { outcome: 'sent'; result: R } | { outcome: 'retry' } | { outcome: 'refused'; status: number; detail: string };

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface OutboxOptions<R> {
  storage: KeyValueStorage;
  /** The storage key (one outbox per user). */
  storageKey: string;
  send: (entry: OutboxEntry) => Promise<SendOutcome<R>>;
  newKey?: () => string;
  now?: () => Date;
  /** Called after each action the server accepted (to refresh the caches). */
  onSent?: (entry: OutboxEntry, result: R) => void;
  /** Called after each refusal (the lesson changed on the server: its new state is worth reading). */
  onRefused?: (entry: OutboxEntry) => void;
}

/** A new Idempotency-Key: a random UUID (crypto.randomUUID exists only in secure contexts: https, localhost). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.key === 'string' &&
    typeof v.lessonId === 'string' &&
    (v.kind === 'complete' || v.kind === 'noShow') &&
    typeof v.lesson === 'object' &&
    v.lesson !== null
  );
}

export class Outbox<R = unknown> {
  private entries: OutboxEntry[];
  private readonly listeners = new Set<() => void>();
  private running: Promise<void> | null = null;
  private readonly newKey: () => string;
  private readonly now: () => Date;

  constructor(private readonly options: OutboxOptions<R>) {
    this.newKey = options.newKey ?? newIdempotencyKey;
    this.now = options.now ?? (() => new Date());
    this.entries = this.load();
  }

  private load(): OutboxEntry[] {
    try {
      const raw = this.options.storage.getItem(this.options.storageKey);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      // An entry left "sending" by a closed tab may or may not have reached the server: sent again, same key.
      return Array.isArray(parsed) ? parsed.filter(isEntry).map((e) => (e.status === 'sending' ? { ...e, status: 'pending' } : e)) : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    if (this.entries.length === 0) this.options.storage.removeItem(this.options.storageKey);
    else this.options.storage.setItem(this.options.storageKey, JSON.stringify(this.entries));
    for (const listener of this.listeners) listener();
  }

  private update(id: string, change: Partial<OutboxEntry>): void {
    this.entries = this.entries.map((e) => (e.id === id ? ({ ...e, ...change } as OutboxEntry) : e));
    this.save();
  }

  /** The entries, oldest first (a new array after each change: usable as a React external store snapshot). */
  list(): readonly OutboxEntry[] {
    return this.entries;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The entry about a lesson, if any (a lesson has at most one: once queued, it is no longer markable). */
  forLesson(lessonId: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.lessonId === lessonId);
  }

  /** Queues an action; `key` when an attempt already went out with it (its answer was lost). */
  enqueue(action: OutboxAction, lesson: LessonSnapshot, key?: string): OutboxEntry {
    const entryKey = key ?? this.newKey();
    const entry = { ...action, id: entryKey, key: entryKey, lesson, queuedAt: this.now().toISOString(), status: 'pending', attempts: key ? 1 : 0 } as OutboxEntry;
    this.entries = [...this.entries.filter((e) => e.lessonId !== action.lessonId || e.status === 'sending'), entry];
    this.save();
    return entry;
  }

  /**
   * Sends the pending entries in order, one by one. Stops at the first one without an answer (no network: the next
   * ones would fail too, and keeping the order matters); a refused one is kept as a conflict and the next ones go on.
   * Concurrent calls share the same run.
   */
  replay(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    for (;;) {
      const next = this.entries.find((e) => e.status === 'pending');
      if (!next) return;
      this.update(next.id, { status: 'sending', attempts: next.attempts + 1 });
      let outcome: SendOutcome<R>;
      try {
        outcome = await this.options.send({ ...next, status: 'sending' });
      } catch {
        outcome = { outcome: 'retry' };
      }
      // Discarded meanwhile: nothing more to record.
      if (!this.entries.some((e) => e.id === next.id)) continue;
      if (outcome.outcome === 'sent') {
        this.entries = this.entries.filter((e) => e.id !== next.id);
        this.save();
        this.options.onSent?.(next, outcome.result);
      } else if (outcome.outcome === 'refused') {
        this.update(next.id, { status: 'conflict', error: { status: outcome.status, detail: outcome.detail } });
        this.options.onRefused?.(next);
      } else {
        this.update(next.id, { status: 'pending' });
        return;
      }
    }
  }

  /** Tries a refused action again (a new request: a new key), then sends the queue. */
  retry(id: string): Promise<void> {
    const entry = this.entries.find((e) => e.id === id);
    if (entry && entry.status === 'conflict') {
      const again: OutboxEntry = { ...entry, key: this.newKey(), status: 'pending' };
      delete again.error;
      this.entries = this.entries.map((e) => (e.id === id ? again : e));
      this.save();
    }
    return this.replay();
  }

  /** Gives an action up (the instructor's choice, after a refusal or before it is sent). */
  discard(id: string): void {
    this.entries = this.entries.filter((e) => e.id !== id);
    this.save();
  }

  pendingCount(): number {
    return this.entries.filter((e) => e.status !== 'conflict').length;
  }
}

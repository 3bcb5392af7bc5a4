import { ApiError } from '../api/problem.ts';
import { Outbox, type KeyValueStorage, type OutboxAction, type LessonSnapshot, type OutboxEntry, type SendOutcome } from './outbox.ts';
import { QUEUED, sendOrQueue } from './queue.ts';
import { classify } from './runtime.ts';
import type { Lesson } from '../pages/planning/types.ts';

class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
  removeItem(key: string) {
    this.data.delete(key);
  }
}

const LESSON: LessonSnapshot = { starts_at: '2026-12-05T09:00:00Z', ends_at: '2026-12-05T10:00:00Z', student_id: 's1', kind: 'driving' };
const KEY = 'volant.offline.v1.outbox.u1';

/** Keys k1, k2… in order, so that tests can name them. */
function keys() {
  let n = 0;
  return () => `k${++n}`;
}

interface Sent {
  lessonId: string;
  key: string;
}

/** A server that answers each request with the next scripted outcome (sent by default), and records what it got. */
function server(script: SendOutcome<string>[] = []) {
  const received: Sent[] = [];
  const send = (entry: OutboxEntry): Promise<SendOutcome<string>> => {
    received.push({ lessonId: entry.lessonId, key: entry.key });
    return Promise.resolve(script.shift() ?? { outcome: 'sent', result: `done ${entry.lessonId}` });
  };
  return { received, send };
}

function outbox(storage: KeyValueStorage, send: (entry: OutboxEntry) => Promise<SendOutcome<string>>, onSent?: (e: OutboxEntry, r: string) => void) {
  return new Outbox<string>({ storage, storageKey: KEY, send, newKey: keys(), now: () => new Date('2026-12-06T08:00:00Z'), onSent });
}

const complete = (lessonId: string, comment: string | null = null): OutboxAction => ({
  kind: 'complete',
  lessonId,
  body: { comment, evaluations: [{ item_code: 'C1.1', level: 'traite', lesson_id: lessonId }] },
});

describe('the outbox', () => {
  it('keeps queued actions in the storage, each with its own key, and reads them back', () => {
    const storage = new MemoryStorage();
    const box = outbox(storage, server().send);
    box.enqueue(complete('a', 'Bien'), LESSON);
    box.enqueue({ kind: 'noShow', lessonId: 'b' }, LESSON);
    expect(box.list().map((e) => [e.lessonId, e.key, e.status])).toEqual([
      ['a', 'k1', 'pending'],
      ['b', 'k2', 'pending'],
    ]);
    // Another page (a reload) reads the same outbox.
    const again = outbox(storage, server().send);
    expect(again.list()).toEqual(box.list());
    expect(again.forLesson('a')).toMatchObject({ kind: 'complete', body: { comment: 'Bien' } });
    expect(again.pendingCount()).toBe(2);
  });

  it('replays in order, one by one, and empties itself', async () => {
    const storage = new MemoryStorage();
    const { received, send } = server();
    const accepted: string[] = [];
    const box = outbox(storage, send, (_e, result) => accepted.push(result));
    box.enqueue(complete('a'), LESSON);
    box.enqueue(complete('b'), LESSON);
    box.enqueue({ kind: 'noShow', lessonId: 'c' }, LESSON);
    await box.replay();
    expect(received.map((r) => r.lessonId)).toEqual(['a', 'b', 'c']);
    expect(accepted).toEqual(['done a', 'done b', 'done c']);
    expect(box.list()).toEqual([]);
    expect(storage.getItem(KEY)).toBeNull();
  });

  it('sends one at a time: the next waits for the answer of the previous', async () => {
    const releases: (() => void)[] = [];
    const release = () => releases.shift()?.();
    const started: string[] = [];
    const box = outbox(new MemoryStorage(), (entry) => {
      started.push(entry.lessonId);
      return new Promise((resolve) => {
        releases.push(() => resolve({ outcome: 'sent', result: entry.lessonId }));
      });
    });
    box.enqueue(complete('a'), LESSON);
    box.enqueue(complete('b'), LESSON);
    const run = box.replay();
    // A second trigger (the `online` event and a tick at once) joins the same run.
    expect(box.replay()).toBe(run);
    await Promise.resolve();
    expect(started).toEqual(['a']);
    expect(box.list()[0]?.status).toBe('sending');
    release();
    await vi.waitFor(() => expect(started).toEqual(['a', 'b']));
    release();
    await run;
    expect(box.list()).toEqual([]);
  });

  it('reuses the same key on every retry after a failure without an answer, and keeps the order', async () => {
    const { received, send } = server([{ outcome: 'retry' }]);
    const box = outbox(new MemoryStorage(), send);
    box.enqueue(complete('a'), LESSON);
    box.enqueue(complete('b'), LESSON);
    await box.replay();
    // Stopped at the first without an answer: the second was not sent before it.
    expect(received).toEqual([{ lessonId: 'a', key: 'k1' }]);
    expect(box.list().map((e) => [e.lessonId, e.status, e.attempts])).toEqual([
      ['a', 'pending', 1],
      ['b', 'pending', 0],
    ]);
    await box.replay();
    expect(received).toEqual([
      { lessonId: 'a', key: 'k1' },
      { lessonId: 'a', key: 'k1' },
      { lessonId: 'b', key: 'k2' },
    ]);
    expect(box.list()).toEqual([]);
  });

  it('queues with the key of an attempt whose answer was lost (the server may have done it)', async () => {
    const { received, send } = server();
    const box = outbox(new MemoryStorage(), send);
    box.enqueue(complete('a'), LESSON, 'first-attempt');
    await box.replay();
    expect(received).toEqual([{ lessonId: 'a', key: 'first-attempt' }]);
  });

  it('a send that throws is retried later with the same key', async () => {
    let calls = 0;
    const keysSeen: string[] = [];
    const box = outbox(new MemoryStorage(), (entry) => {
      keysSeen.push(entry.key);
      calls += 1;
      return calls === 1 ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve({ outcome: 'sent', result: 'ok' });
    });
    box.enqueue(complete('a'), LESSON);
    await box.replay();
    expect(box.list()[0]?.status).toBe('pending');
    await box.replay();
    expect(keysSeen).toEqual(['k1', 'k1']);
    expect(box.list()).toEqual([]);
  });

  it('keeps a refused action as a conflict with the server’s message, and goes on with the next ones', async () => {
    const storage = new MemoryStorage();
    const { received, send } = server([{ outcome: 'refused', status: 409, detail: 'La séance a été annulée par le secrétariat.' }]);
    const box = outbox(storage, send);
    box.enqueue(complete('a'), LESSON);
    box.enqueue(complete('b'), LESSON);
    await box.replay();
    expect(received.map((r) => r.lessonId)).toEqual(['a', 'b']);
    expect(box.list()).toHaveLength(1);
    expect(box.list()[0]).toMatchObject({ lessonId: 'a', status: 'conflict', error: { status: 409, detail: 'La séance a été annulée par le secrétariat.' } });
    // Never dropped: still there after a reload, and not sent again by itself.
    const again = outbox(storage, send);
    expect(again.list()[0]?.status).toBe('conflict');
    await again.replay();
    expect(received).toHaveLength(2);
    expect(again.pendingCount()).toBe(0);
  });

  it('retries a conflict on demand, as a new request (a new key: the old one would replay the refusal)', async () => {
    const { received, send } = server([{ outcome: 'refused', status: 422, detail: 'Refusé' }]);
    const box = outbox(new MemoryStorage(), send);
    box.enqueue(complete('a'), LESSON);
    await box.replay();
    const id = box.list()[0]?.id ?? '';
    await box.retry(id);
    expect(received).toEqual([
      { lessonId: 'a', key: 'k1' },
      { lessonId: 'a', key: 'k2' },
    ]);
    expect(box.list()).toEqual([]);
  });

  it('discards an action on demand', async () => {
    const storage = new MemoryStorage();
    const { received, send } = server([{ outcome: 'refused', status: 412, detail: 'Modifiée entre-temps' }]);
    const box = outbox(storage, send);
    box.enqueue(complete('a'), LESSON);
    await box.replay();
    box.discard(box.list()[0]?.id ?? '');
    expect(box.list()).toEqual([]);
    expect(storage.getItem(KEY)).toBeNull();
    await box.replay();
    expect(received).toHaveLength(1);
  });

  it('sends again, with the same key, what a closed page left "sending"', async () => {
    const storage = new MemoryStorage();
    const box = outbox(storage, () => new Promise<SendOutcome<string>>(() => {}));
    box.enqueue(complete('a'), LESSON);
    void box.replay();
    expect(box.list()[0]?.status).toBe('sending');
    const { received, send } = server();
    const reopened = outbox(storage, send);
    expect(reopened.list()[0]?.status).toBe('pending');
    await reopened.replay();
    expect(received).toEqual([{ lessonId: 'a', key: 'k1' }]);
  });

  it('tells subscribers of each change', () => {
    const box = outbox(new MemoryStorage(), server().send);
    const seen: number[] = [];
    const off = box.subscribe(() => seen.push(box.list().length));
    box.enqueue(complete('a'), LESSON);
    box.discard(box.list()[0]?.id ?? '');
    off();
    box.enqueue(complete('b'), LESSON);
    expect(seen).toEqual([1, 0]);
  });

  it('ignores a storage it cannot read', () => {
    const storage = new MemoryStorage();
    storage.setItem(KEY, '{not json');
    expect(outbox(storage, server().send).list()).toEqual([]);
  });
});

describe('the answers of a replayed action', () => {
  it('retries later without an answer, a server error, 429 or a lost session; keeps any other 4xx as a refusal', () => {
    expect(classify(new ApiError({ status: 0 }))).toEqual({ outcome: 'retry' });
    expect(classify(new ApiError({ status: 503 }))).toEqual({ outcome: 'retry' });
    expect(classify(new ApiError({ status: 429 }))).toEqual({ outcome: 'retry' });
    expect(classify(new ApiError({ status: 401 }))).toEqual({ outcome: 'retry' });
    expect(classify(new ApiError({ status: 409, detail: 'Cette séance a été annulée.' }))).toEqual({
      outcome: 'refused',
      status: 409,
      detail: 'Cette séance a été annulée.',
    });
    expect(classify(new ApiError({ status: 412 }))).toEqual({ outcome: 'refused', status: 412, detail: '' });
  });
});

describe('sending or queuing an instructor’s action', () => {
  const lesson = { id: 'a', starts_at: LESSON.starts_at, ends_at: LESSON.ends_at, student_id: 's1', kind: 'driving' } as Lesson;

  it('queues without calling the server when the browser is offline', async () => {
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const box = outbox(new MemoryStorage(), server().send);
    const call = vi.fn();
    const holder = { current: 'attempt-1' };
    expect(await sendOrQueue(box, complete('a'), lesson, holder, call)).toBe(QUEUED);
    expect(call).not.toHaveBeenCalled();
    expect(box.list()[0]).toMatchObject({ lessonId: 'a', key: 'k1', lesson: { student_id: 's1' } });
  });

  it('sends with the attempt’s key; a failure without an answer queues it with that same key', async () => {
    const box = outbox(new MemoryStorage(), server().send);
    const holder = { current: 'attempt-1' };
    const call = vi.fn().mockRejectedValue(new ApiError({ status: 0 }));
    expect(await sendOrQueue(box, complete('a'), lesson, holder, call)).toBe(QUEUED);
    expect(call).toHaveBeenCalledWith({ 'Idempotency-Key': 'attempt-1' });
    expect(box.list()[0]).toMatchObject({ key: 'attempt-1', attempts: 1 });
  });

  it('a refusal is the form’s to show, and the next attempt gets a new key', async () => {
    const box = outbox(new MemoryStorage(), server().send);
    const holder = { current: 'attempt-1' };
    const refusal = new ApiError({ status: 400, detail: 'Évaluation invalide' });
    await expect(sendOrQueue(box, complete('a'), lesson, holder, () => Promise.reject(refusal))).rejects.toBe(refusal);
    expect(box.list()).toEqual([]);
    expect(holder.current).not.toBe('attempt-1');
  });

  it('other roles (no outbox) send without a key and see every error', async () => {
    const call = vi.fn().mockRejectedValue(new ApiError({ status: 0 }));
    await expect(sendOrQueue(null, complete('a'), lesson, { current: 'x' }, call)).rejects.toBeInstanceOf(ApiError);
    expect(call).toHaveBeenCalledWith({});
  });
});

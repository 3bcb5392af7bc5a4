import { QueryClient } from '@tanstack/react-query';
import { cacheKey, forgetDay, keepDay, keptForTheDay, restoreDay, USER_KEY } from './persist.ts';
import type { KeyValueStorage } from './outbox.ts';

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

const session = (role: string, id = 'u1') => ({ role, user: { id, email: 'x@y', display_name: 'X' }, tenant: { timezone: 'Europe/Paris' }, csrf_token: 't' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the day kept in the browser', () => {
  it('keeps only what the day needs', () => {
    expect(keptForTheDay(['session'])).toBe(true);
    expect(keptForTheDay(['lessons', 'days', '2026-12-05', 3])).toBe(true);
    expect(keptForTheDay(['students', 'booklet', 's1'])).toBe(true);
    expect(keptForTheDay(['instructors', 'all'])).toBe(true);
    expect(keptForTheDay(['planning-names'])).toBe(true);
    expect(keptForTheDay(['students', 'list', {}])).toBe(false);
    expect(keptForTheDay(['billing', 'student', 's1'])).toBe(false);
    expect(keptForTheDay(['notifications', 'latest'])).toBe(false);
  });

  it('writes an instructor’s day under their id and puts it back (Maps too) in a new page', async () => {
    const storage = new MemoryStorage();
    const client = new QueryClient();
    const users: (string | null)[] = [];
    const stop = keepDay(client, storage, (u) => users.push(u), 10);
    client.setQueryData(['session'], session('INSTRUCTOR'));
    client.setQueryData(['lessons', 'days', '2026-12-05', 3], [{ id: 'l1' }]);
    client.setQueryData(['planning-names'], { students: new Map([['s1', 'Léa Martin']]), instructors: new Map(), plates: new Map() });
    client.setQueryData(['billing', 'student', 's1'], { secret: true });
    await sleep(30);
    stop();
    expect(users).toEqual(['u1']);
    expect(storage.getItem(USER_KEY)).toBe('u1');
    expect(storage.getItem(cacheKey('u1'))).not.toContain('secret');

    const next = new QueryClient();
    expect(restoreDay(next, storage)).toBe('u1');
    expect(next.getQueryData(['lessons', 'days', '2026-12-05', 3])).toEqual([{ id: 'l1' }]);
    const names = next.getQueryData<{ students: Map<string, string> }>(['planning-names']);
    expect(names?.students.get('s1')).toBe('Léa Martin');
    expect(next.getQueryData(['billing', 'student', 's1'])).toBeUndefined();
  });

  it('keeps nothing for other roles, and forgets the day when the session ends (the outbox stays)', async () => {
    const storage = new MemoryStorage();
    storage.setItem('volant.offline.v1.outbox.u1', '[]');
    const client = new QueryClient();
    const stop = keepDay(client, storage, () => undefined, 10);
    client.setQueryData(['session'], session('INSTRUCTOR'));
    await sleep(30);
    expect(storage.getItem(cacheKey('u1'))).not.toBeNull();
    client.setQueryData(['session'], null);
    await sleep(30);
    expect(storage.getItem(cacheKey('u1'))).toBeNull();
    expect(storage.getItem(USER_KEY)).toBeNull();
    expect(storage.getItem('volant.offline.v1.outbox.u1')).toBe('[]');
    client.setQueryData(['session'], session('ADMIN', 'u2'));
    await sleep(30);
    stop();
    expect(storage.getItem(cacheKey('u2'))).toBeNull();
  });

  it('restores nothing that is not an instructor’s own day', () => {
    const storage = new MemoryStorage();
    const client = new QueryClient();
    storage.setItem(USER_KEY, 'u1');
    storage.setItem(cacheKey('u1'), '{broken');
    expect(restoreDay(client, storage)).toBe('u1');
    expect(client.getQueryCache().getAll()).toHaveLength(0);
    forgetDay(storage, 'u1');
    expect(storage.getItem(USER_KEY)).toBeNull();
  });
});

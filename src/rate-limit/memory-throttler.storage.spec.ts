import { describe, expect, it } from '@jest/globals';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';

describe(MemoryThrottlerStorage.name, () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('should count hits per key within the window and block the first hit over the limit', async () => {
    const time = clock();
    const sut = new MemoryThrottlerStorage(time.now);

    const first = await sut.increment('ip:a', 60_000, 2, 60_000);
    await sut.increment('ip:a', 60_000, 2, 60_000);
    const third = await sut.increment('ip:a', 60_000, 2, 60_000);
    const other = await sut.increment('ip:b', 60_000, 2, 60_000);

    expect(first).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect(third).toEqual({ totalHits: 3, timeToExpire: 60, isBlocked: true, timeToBlockExpire: 60 });
    expect(other.totalHits).toBe(1);
  });

  it('should keep a window from its first hit, not slide it with later hits', async () => {
    const time = clock();
    const sut = new MemoryThrottlerStorage(time.now);

    await sut.increment('k', 60_000, 5, 60_000);
    time.advance(45_000);
    const later = await sut.increment('k', 60_000, 5, 60_000);
    time.advance(15_000);
    const next = await sut.increment('k', 60_000, 5, 60_000);

    expect(later).toMatchObject({ totalHits: 2, timeToExpire: 15 });
    expect(next).toMatchObject({ totalHits: 1, timeToExpire: 60 });
  });

  it('should block for blockDuration from the first hit over the limit, then count afresh', async () => {
    const time = clock();
    const sut = new MemoryThrottlerStorage(time.now);

    await sut.increment('k', 10_000, 1, 30_000);
    time.advance(5_000);
    const blocked = await sut.increment('k', 10_000, 1, 30_000);
    time.advance(20_000);
    const stillBlocked = await sut.increment('k', 10_000, 1, 30_000);
    time.advance(10_000);
    const free = await sut.increment('k', 10_000, 1, 30_000);

    expect(blocked).toMatchObject({ isBlocked: true, timeToBlockExpire: 30 });
    expect(stillBlocked).toMatchObject({ isBlocked: true, totalHits: 3, timeToBlockExpire: 10 });
    expect(free).toMatchObject({ isBlocked: false, totalHits: 1 });
  });

  it('should forget keys whose window ended, so memory follows the live keys only', async () => {
    const time = clock();
    const sut = new MemoryThrottlerStorage(time.now);
    for (let i = 0; i < 1_000; i++) await sut.increment(`identity:${i}`, 60_000, 5, 60_000);

    time.advance(60_000);
    await sut.increment('identity:new', 60_000, 5, 60_000);

    expect(sut.size).toBe(1);
  });

  it('should count several limits in order and stop after the first one over its limit', async () => {
    const sut = new MemoryThrottlerStorage(clock().now);
    const hits = [
      { name: 'ip', key: 'ip:a', ttl: 60_000, limit: 1, blockDuration: 60_000 },
      { name: 'identity', key: 'identity:x', ttl: 60_000, limit: 5, blockDuration: 60_000 },
    ];

    expect((await sut.countEach(hits)).map((r) => r.totalHits)).toEqual([1, 1]);
    expect((await sut.countEach(hits)).map((r) => [r.totalHits, r.isBlocked])).toEqual([[2, true]]);
    expect((await sut.increment('identity:x', 60_000, 5, 60_000)).totalHits).toBe(2);
  });

  it('should read a counter without adding a hit, and read an absent or ended window as 0 hits', async () => {
    const time = clock();
    const sut = new MemoryThrottlerStorage(time.now);
    expect(await sut.peek('client:a', 2)).toEqual({ totalHits: 0, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 });

    await sut.increment('client:a', 60_000, 2, 60_000);
    time.advance(15_000);
    expect(await sut.peek('client:a', 2)).toEqual({ totalHits: 1, timeToExpire: 45, isBlocked: false, timeToBlockExpire: 0 });
    expect((await sut.peek('client:a', 2)).totalHits).toBe(1);

    time.advance(45_000);
    expect((await sut.peek('client:a', 2)).totalHits).toBe(0);
  });
});

import { RecentAnswers } from './recent-answers';

describe('RecentAnswers', () => {
  let clock = 0;
  let computed = 0;
  const compute = async () => ++computed;
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  beforeEach(() => {
    clock = 1_000;
    computed = 0;
  });

  it('computes an answer once for everyone asking within the maximum age', async () => {
    const answers = new RecentAnswers<number>(250, 10, () => clock);
    const [a, b] = await Promise.all([answers.get('q', compute), answers.get('q', compute)]);
    clock += 250;
    const c = await answers.get('q', compute);
    expect([a, b, c]).toEqual([1, 1, 1].map((value) => ({ value, startedAt: 1_000 })));
    expect(computed).toBe(1);
  });

  it('answers from the previous result while one recomputation of an old answer runs', async () => {
    const answers = new RecentAnswers<number>(250, 10, () => clock);
    await answers.get('q', compute);
    clock += 251;
    let finish: (value: number) => void = () => undefined;
    const slow = () => {
      computed += 1;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    expect((await answers.get('q', slow)).value).toBe(1);
    expect((await answers.get('q', slow)).value).toBe(1);
    expect(computed).toBe(2);
    finish(2);
    await settle();
    expect(await answers.get('q', compute)).toEqual({ value: 2, startedAt: 1_251 });
    expect(computed).toBe(2);
  });

  it("treats an answer computed from another edition as old: served while the new edition's is computed", async () => {
    const answers = new RecentAnswers<string>(250, 10, () => clock);
    await answers.get('q', async () => 'from v1', 'v1');
    let finish: (value: string) => void = () => undefined;
    const slow = () => new Promise<string>((resolve) => (finish = resolve));
    expect((await answers.get('q', slow, 'v2')).value).toBe('from v1');
    finish('from v2');
    await settle();
    expect((await answers.get('q', async () => 'recomputed', 'v2')).value).toBe('from v2');
  });

  it('keeps different questions apart', async () => {
    const answers = new RecentAnswers<string>(250, 10, () => clock);
    expect((await answers.get('a', async () => 'A')).value).toBe('A');
    expect((await answers.get('b', async () => 'B')).value).toBe('B');
  });

  it('forgets a failed computation instead of serving it', async () => {
    const answers = new RecentAnswers<number>(250, 10, () => clock);
    await expect(answers.get('q', () => Promise.reject(new Error('database down')))).rejects.toThrow(
      'database down',
    );
    await settle();
    expect((await answers.get('q', compute)).value).toBe(1);
  });

  it('with a maximum age of 0 computes again as soon as the previous answer is in', async () => {
    const answers = new RecentAnswers<number>(0, 10, () => clock);
    await answers.get('q', compute);
    clock += 1;
    await answers.get('q', compute);
    await settle();
    expect(computed).toBe(2);
  });
});

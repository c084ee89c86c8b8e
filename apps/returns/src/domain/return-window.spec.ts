import { parseWindowDaysByChannel, windowDaysFor } from './return-window';

describe('parseWindowDaysByChannel', () => {
  it('reads channel=days pairs, ignoring blanks', () => {
    expect(parseWindowDaysByChannel(' webshop=30, marketplace = 14 ,')).toEqual({
      ok: true,
      value: { webshop: 30, marketplace: 14 },
    });
    expect(parseWindowDaysByChannel('')).toEqual({ ok: true, value: {} });
  });

  it.each(['webshop', 'webshop=thirty', 'web shop=3', '=3'])('refuses %j naming the entry', (text) => {
    const parsed = parseWindowDaysByChannel(text);
    expect(parsed.ok).toBe(false);
  });

  it('falls back to the default window for channels without an override', () => {
    const config = { defaultDays: 30, daysByChannel: { marketplace: 14 } };
    expect(windowDaysFor(config, 'marketplace')).toBe(14);
    expect(windowDaysFor(config, 'webshop')).toBe(30);
    expect(windowDaysFor(config, 'constructor')).toBe(30);
  });
});

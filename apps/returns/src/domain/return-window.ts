/** The return window when nothing else is configured (contract §2: 30 days after shipping). */
export const DEFAULT_RETURN_WINDOW_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long after a line shipped it may be returned: a default and per-channel overrides. */
export interface ReturnWindowConfig {
  readonly defaultDays: number;
  readonly daysByChannel: Readonly<Record<string, number>>;
}

/** Days of the window for orders of `channel` (the override, else the default). */
export function windowDaysFor(config: ReturnWindowConfig, channel: string): number {
  return Object.hasOwn(config.daysByChannel, channel) ? config.daysByChannel[channel] : config.defaultDays;
}

/** Whether `requestedAt` is at most `days` days after `shippedAt` (exactly on the edge is inside). */
export function isWithinWindow(shippedAt: string, requestedAt: string, days: number): boolean {
  return Date.parse(requestedAt) - Date.parse(shippedAt) <= days * DAY_MS;
}

/**
 * Parses `webshop=30,marketplace=14` (blanks ignored, empty allowed). Returns an error text naming
 * the bad entry instead of throwing, so the env validator can report it.
 */
export function parseWindowDaysByChannel(
  text: string,
): { ok: true; value: Record<string, number> } | { ok: false; error: string } {
  const value: Record<string, number> = {};
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const match = /^([A-Za-z0-9._:-]{1,64})\s*=\s*(\d{1,5})$/.exec(entry);
    if (match === null) return { ok: false, error: `"${entry}" is not channel=days` };
    value[match[1]] = Number(match[2]);
  }
  return { ok: true, value };
}

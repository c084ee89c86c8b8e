import { RETURNS_RETURN_STATUSES, ReturnsReturnStatus } from '@opsline/contracts';
import { canTransition, isFinal } from './return-lifecycle';

const ALLOWED: readonly [ReturnsReturnStatus, ReturnsReturnStatus][] = [
  ['REQUESTED', 'AUTHORIZED'],
  ['REQUESTED', 'REJECTED'],
  ['AUTHORIZED', 'RECEIVED'],
  ['AUTHORIZED', 'CLOSED'],
  ['RECEIVED', 'RECEIVED'],
  ['RECEIVED', 'INSPECTED'],
  ['RECEIVED', 'CLOSED'],
  ['INSPECTED', 'REFUNDED'],
  ['REFUNDED', 'RECEIVED'],
  ['REFUNDED', 'INSPECTED'],
  ['REFUNDED', 'CLOSED'],
];

const allPairs = RETURNS_RETURN_STATUSES.flatMap((from) =>
  RETURNS_RETURN_STATUSES.map((to) => [from, to] as const),
);
const isAllowed = (from: ReturnsReturnStatus, to: ReturnsReturnStatus): boolean =>
  ALLOWED.some(([f, t]) => f === from && t === to);

describe('the return lifecycle', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(allPairs.filter(([from, to]) => !isAllowed(from, to)))('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('models partial returns as RECEIVED → INSPECTED → REFUNDED → RECEIVED cycles ending in CLOSED', () => {
    const path: ReturnsReturnStatus[] = [
      'REQUESTED',
      'AUTHORIZED',
      'RECEIVED',
      'INSPECTED',
      'REFUNDED',
      'RECEIVED',
      'INSPECTED',
      'REFUNDED',
      'INSPECTED',
      'REFUNDED',
      'CLOSED',
    ];
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
  });

  it('takes nothing further once REJECTED or CLOSED', () => {
    expect(RETURNS_RETURN_STATUSES.filter(isFinal)).toEqual(['REJECTED', 'CLOSED']);
  });
});

/**
 * The global degraded budget as this process sees it, for the `budget.remaining` gauge: acceptances
 * counted in the current window per tier, and whether the tier was reported spent. Resets when the
 * window rolls over.
 */

/** A budget tier of the global degraded budget. */
export type BudgetTier = 'healthy' | 'outage';

/** What the tally reads from the verifier. */
export interface BudgetTallySource {
  /** Global budget limits per tier, and the window length. */
  budgets: { windowSeconds: number; global: number; outageGlobal: number };
  now(): number;
}

export interface BudgetTally {
  /** Degraded acceptances left in the current window, per tier. */
  remaining(): Record<BudgetTier, number>;
  /** A degraded acceptance was committed. */
  degradedAccepted(tier: BudgetTier): void;
  /** The global budget of `tier` is spent for the current window. */
  budgetExhausted(tier: BudgetTier): void;
}

export function createBudgetTally(source: BudgetTallySource): BudgetTally {
  let windowIndex = -1;
  const spent = { healthy: 0, outage: 0 };
  const exhausted = { healthy: false, outage: false };
  const roll = (): void => {
    const index = Math.floor(source.now() / (source.budgets.windowSeconds * 1000));
    if (index === windowIndex) return;
    windowIndex = index;
    spent.healthy = spent.outage = 0;
    exhausted.healthy = exhausted.outage = false;
  };
  return {
    remaining() {
      roll();
      const left = (tier: BudgetTier, limit: number): number => (exhausted[tier] ? 0 : Math.max(0, limit - spent[tier]));
      return { healthy: left('healthy', source.budgets.global), outage: left('outage', source.budgets.outageGlobal) };
    },
    degradedAccepted(tier) {
      roll();
      spent[tier]++;
    },
    budgetExhausted(tier) {
      roll();
      exhausted[tier] = true;
    },
  };
}

// One escalation budget per route, kept across table reloads so a reload does not reset
// the window; a new budget only when the route's rate or window changes.
import type { Table } from "../config/compile.js";
import { EscalationBudget } from "./budget.js";

export class BudgetRegistry {
  private readonly budgets = new Map<string, { key: string; budget: EscalationBudget }>();

  constructor(private readonly now: () => number = Date.now) {}

  for(table: Table): EscalationBudget | undefined {
    const cascade = table.cascade;
    if (!cascade) return undefined;
    const key = `${cascade.maxRate}/${cascade.windowMs}`;
    const existing = this.budgets.get(table.route);
    if (existing?.key === key) return existing.budget;
    const budget = new EscalationBudget(cascade.maxRate, cascade.windowMs, this.now);
    this.budgets.set(table.route, { key, budget });
    return budget;
  }
}

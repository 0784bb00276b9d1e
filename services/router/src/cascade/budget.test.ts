import { describe, expect, it } from "vitest";
import { EscalationBudget } from "./budget.js";

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function takeAll(budget: EscalationBudget, attempts: number): number {
  let taken = 0;
  for (let i = 0; i < attempts; i++) if (budget.tryEscalate()) taken++;
  return taken;
}

describe("EscalationBudget", () => {
  it("when 100 documents were seen at a 20% budget, allows 20 escalations and refuses the 21st", () => {
    const budget = new EscalationBudget(0.2, 60_000, clock().now);
    budget.recordDocuments(100);

    expect(takeAll(budget, 30)).toBe(20);
  });

  it("when the rate is 1, every document may escalate", () => {
    const budget = new EscalationBudget(1, 60_000, clock().now);
    budget.recordDocuments(5);

    expect(takeAll(budget, 5)).toBe(5);
  });

  it("when the rate is 0, nothing escalates", () => {
    const budget = new EscalationBudget(0, 60_000, clock().now);
    budget.recordDocuments(1000);

    expect(takeAll(budget, 10)).toBe(0);
  });

  it("when the window has passed, old escalations no longer count against the budget", () => {
    const time = clock(1_000);
    const budget = new EscalationBudget(0.5, 10_000, time.now);
    budget.recordDocuments(4);
    expect(takeAll(budget, 4)).toBe(2);

    time.advance(10_500);
    budget.recordDocuments(4);

    expect(takeAll(budget, 4)).toBe(2);
  });

  it("when part of the window has passed, documents still inside it keep counting", () => {
    const time = clock();
    const budget = new EscalationBudget(0.5, 10_000, time.now);
    budget.recordDocuments(10);
    expect(takeAll(budget, 5)).toBe(5);

    time.advance(5_000);
    budget.recordDocuments(2);

    expect(takeAll(budget, 5)).toBe(1);
  });
});

import { MARATHON_CONSTRAINT_OPERATORS } from "@bsaas/sdk/marathon";
import type { Agent, Constraint } from "./types.js";

/** The constraint operators Marathon apps use (the SDK's list, from Marathon's RAML). */
export const CONSTRAINT_OPERATORS = MARATHON_CONSTRAINT_OPERATORS;

/**
 * The value an agent has for a constraint field: `hostname` (or `@hostname`), `@region`, `@zone`, or an attribute.
 * `undefined` when the agent has no such attribute.
 */
export function fieldValue(agent: Agent, field: string): string | undefined {
  switch (field) {
    case "hostname":
    case "@hostname":
      return agent.hostname;
    case "@region":
      return agent.region;
    case "@zone":
      return agent.zone;
    default:
      return agent.attributes[field];
  }
}

/** A full-match regular expression for LIKE/UNLIKE, or `undefined` when the pattern does not compile. */
export function fullMatchRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
}

/**
 * Describes what is wrong with a constraint, or returns `undefined` when it is well formed (operator known, value
 * present and valid where the operator needs one). Messages follow Marathon's validation wording loosely.
 */
export function constraintProblem(constraint: Constraint): string | undefined {
  const [field, operator, value] = constraint;
  if (constraint.length < 2 || constraint.length > 3 || field === undefined || operator === undefined) {
    return "Each constraint must have either 2 or 3 fields";
  }
  if (field.length === 0) return "Missing field for constraint declaration";
  switch (operator) {
    case "UNIQUE":
      return value === undefined ? undefined : "Value specified but not used";
    case "CLUSTER":
      return value !== undefined && value.length === 0 ? "Missing value" : undefined;
    case "GROUP_BY":
    case "MAX_PER":
      if (value === undefined) return operator === "MAX_PER" ? "Missing value" : undefined;
      return /^\d+$/.test(value) ? undefined : "Value was not a valid integer";
    case "LIKE":
    case "UNLIKE":
      if (value === undefined) return "A regular expression value must be provided";
      return fullMatchRegex(value) ? undefined : "Invalid regular expression";
    case "IS":
      return value === undefined ? "Missing value" : undefined;
    default:
      return `Constraint operator must be one of ${CONSTRAINT_OPERATORS.join(", ")}`;
  }
}

/**
 * Whether placing one more instance on `agent` satisfies `constraint`, given the agents of the instances of the
 * same app that are already placed (Marathon's `Constraints.meetsConstraint`, reimplemented).
 */
export function meetsConstraint(agent: Agent, constraint: Constraint, placed: readonly Agent[]): boolean {
  const [field, operator, value] = constraint;
  if (field === undefined || operator === undefined) return false;
  const own = fieldValue(agent, field);
  if (own === undefined) return operator === "UNLIKE";
  const others = placed.map((other) => fieldValue(other, field));
  switch (operator) {
    case "UNIQUE":
      return !others.includes(own);
    case "CLUSTER":
      if (value !== undefined && value.length > 0) return own === value;
      return others.every((other) => other === own);
    case "IS":
      return own === value;
    case "LIKE":
      return value !== undefined && (fullMatchRegex(value)?.test(own) ?? false);
    case "UNLIKE":
      return value === undefined || !(fullMatchRegex(value)?.test(own) ?? false);
    case "MAX_PER": {
      const max = Number(value);
      if (!Number.isFinite(max)) return false;
      return others.filter((other) => other === own).length < max;
    }
    case "GROUP_BY": {
      const counts = new Map<string, number>();
      for (const other of others) {
        if (other !== undefined) counts.set(other, (counts.get(other) ?? 0) + 1);
      }
      const mine = counts.get(own);
      // A value nobody uses yet always balances the spread.
      if (mine === undefined) return true;
      // While fewer groups than asked for are in use, new instances must open new groups.
      const wanted = value === undefined ? 0 : Number(value);
      if (Number.isFinite(wanted) && counts.size < wanted) return false;
      return mine <= Math.min(...counts.values());
    }
    default:
      return false;
  }
}

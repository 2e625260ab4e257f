/** A resource as the v1 API sends it (only the fields summing needs). */
interface ResourceLike {
  name: string;
  type?: string;
  scalar?: { value: number };
  ranges?: { range?: { begin: number | bigint; end: number | bigint }[] };
}

/** Scalar totals of a resource list: CPUs, MiB of memory and disk, GPUs. */
export interface ResourceTotals {
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  /** Number of ports in the `ports` ranges. */
  ports: number;
}

/**
 * Adds up a v1 resource list (all roles and reservations together): scalars by name, ports by range size.
 *
 * @example
 * resourceTotals(agent.total_resources); // { cpus: 4, mem: 8192, disk: 20000, gpus: 0, ports: 1000 }
 */
export function resourceTotals(resources: readonly ResourceLike[] | undefined): ResourceTotals {
  const totals: ResourceTotals = { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: 0 };
  for (const r of resources ?? []) {
    if (r.name === "ports") {
      for (const range of r.ranges?.range ?? []) totals.ports += Number(range.end) - Number(range.begin) + 1;
    } else if (r.name in totals && r.scalar) {
      totals[r.name as "cpus" | "mem" | "disk" | "gpus"] += r.scalar.value;
    }
  }
  totals.cpus = Math.round(totals.cpus * 1000) / 1000;
  return totals;
}

/** The text value of an agent or offer attribute (`site`, `rack`), or undefined. */
export function attributeValue(
  attributes: readonly { name: string; text?: { value: string }; scalar?: { value: number } }[] | undefined,
  name: string,
): string | undefined {
  const a = attributes?.find((x) => x.name === name);
  return a?.text?.value ?? (a?.scalar ? String(a.scalar.value) : undefined);
}

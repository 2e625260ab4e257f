// Attribute layouts shared between ads, in the spirit of V8 hidden classes: ads with the same attribute names in the same
// order share one Shape, so a compiled attribute reference can cache "in this shape, `memory` is slot 3" and skip the
// hash lookup on the next ad. An ad's shape object never changes meaning: adding or removing an attribute gives the
// ad another Shape object, so a cached (shape, slot) pair stays valid.
//
// Ads read from text get the shape of their whole key list at once (shared through a cache). Ads built attribute by
// attribute follow shared transitions while a memory budget lasts; after that, and after deletions, an ad gets a
// "dictionary" shape of its own whose index is extended in place (each change still makes a new Shape object, so
// caches keyed by the old object simply miss).

/** Budget of index entries held by shared shapes (each shared shape owns a full index). */
const SHARED_ENTRY_BUDGET = 1_000_000;
/** Ads built one attribute at a time stop sharing shapes past this size (each step would copy the index). */
const MAX_SHARED_EXTEND = 256;
let sharedEntries = 0;

const byKeyList = new Map<string, Shape>();

export class Shape {
  /** Lower-case attribute name -> slot. */
  readonly index: Map<string, number>;
  /** Lower-case names by slot. */
  readonly keys: readonly string[];
  /** Shared shapes are immutable and may be used by many ads; dictionary shapes belong to one ad. */
  readonly shared: boolean;
  /** Slot of `requirements` (-1 when absent), looked up once per shape for matchmaking. */
  readonly requirementsSlot: number;
  /**
   * Slot tables of generated expressions for this shape (see slotTable): pairs of a key (the name list of a
   * generated function's role, compared by identity) and the table, at most TABLE_LINES pairs.
   */
  readonly tables: (readonly string[] | readonly number[] | undefined)[] = [];
  private transitions: Map<string, Shape> | undefined;

  private constructor(keys: string[], index: Map<string, number>, shared: boolean) {
    this.keys = keys;
    this.index = index;
    this.shared = shared;
    this.requirementsSlot = index.get("requirements") ?? -1;
  }

  static readonly EMPTY = new Shape([], new Map(), true);

  /** The shared shape of a complete list of distinct lower-case names (or a dictionary shape past the budget). */
  static forKeys(lkeys: readonly string[]): Shape {
    if (lkeys.length === 0) return Shape.EMPTY;
    const key = lkeys.join("\u0000");
    const known = byKeyList.get(key);
    if (known) return known;
    const index = new Map<string, number>();
    for (let i = 0; i < lkeys.length; i++) index.set(lkeys[i] as string, i);
    const shared = sharedEntries + lkeys.length <= SHARED_ENTRY_BUDGET;
    const shape = new Shape([...lkeys], index, shared);
    if (shared) {
      sharedEntries += lkeys.length;
      byKeyList.set(key, shape);
    }
    return shape;
  }

  /** The shape after appending `lname`. */
  extend(lname: string): Shape {
    if (!this.shared) {
      // Dictionary shape: extend the index in place; the new object tells caches the layout changed.
      (this.keys as string[]).push(lname);
      this.index.set(lname, this.keys.length - 1);
      return new Shape(this.keys as string[], this.index, false);
    }
    const known = this.transitions?.get(lname);
    if (known) return known;
    const keys = [...this.keys, lname];
    const index = new Map(this.index).set(lname, this.keys.length);
    const shared = keys.length <= MAX_SHARED_EXTEND && sharedEntries + keys.length <= SHARED_ENTRY_BUDGET;
    const next = new Shape(keys, index, shared);
    if (shared) {
      sharedEntries += keys.length;
      this.transitions ??= new Map();
      this.transitions.set(lname, next);
    }
    return next;
  }

  /** A dictionary shape without slot `slot` (later slots move down by one). */
  without(slot: number): Shape {
    const keys = this.keys.filter((_, i) => i !== slot);
    const index = new Map<string, number>();
    for (let i = 0; i < keys.length; i++) index.set(keys[i] as string, i);
    return new Shape(keys, index, false);
  }

  /** The shape for a copy of an ad: shared shapes are shared, dictionary shapes are duplicated. */
  forCopy(): Shape {
    return this.shared ? this : new Shape([...this.keys], new Map(this.index), false);
  }
}

/**
 * Lines of the per-shape cache of slot tables. Generated functions take lines in turn, so a shape holds at most this
 * many tables however many expressions a long-running process compiles over time; functions that share a line (and a
 * shape) in alternation just rebuild their table (two-way: the paired line keeps the one displaced last).
 */
const TABLE_LINES = 256;
let nextLine = 0;

/** The place of a new generated function's slot table in `Shape.tables`: an even index (key, then table). */
export function tableLine(): number {
  const line = nextLine;
  nextLine = (nextLine + 1) % TABLE_LINES;
  return 2 * line;
}

/**
 * The slow path of a generated function's table lookup: the slot of each of `names` in `sh` (-1 when absent), found
 * in the paired line or built, and stored at `at` under `names` (what was there moves to the paired line).
 */
export function slotTable(sh: Shape, names: readonly string[], at: number): readonly number[] {
  const t = sh.tables;
  const alt = at ^ 2;
  let table: number[];
  if (t[alt] === names) table = t[alt + 1] as number[];
  else {
    // A plain array of small integers: V8 reads its elements with fewer checks than a typed array's.
    table = [];
    for (let k = 0; k < names.length; k++) table.push(sh.index.get(names[k] as string) ?? -1);
  }
  if (t[at] !== undefined) {
    t[alt] = t[at];
    t[alt + 1] = t[at + 1];
  }
  t[at] = names;
  t[at + 1] = table;
  return table;
}

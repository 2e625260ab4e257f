/**
 * The object form of a submit description. This zod schema is the single source of truth: the TypeScript types are
 * inferred from it, {@link SubmitFile} validates its input with it, and {@link parseSubmit} produces values of it.
 *
 * Typed fields hold what bsaas writes itself (V2-quoted arguments and environment, lists, numbers with units).
 * Everything else a submit file may contain stays as raw text in `commands` (name to value, order kept), so parsing
 * and printing a file loses nothing that matters to condor_submit.
 */
import { z } from "zod";

/** Universes (and the docker/container "toppings" of vanilla) accepted by condor_submit. */
export const SUBMIT_UNIVERSES = [
  "vanilla",
  "docker",
  "container",
  "scheduler",
  "local",
  "grid",
  "java",
  "vm",
  "parallel",
] as const;

const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** HTCondor's is_valid_param_name: letters, digits, `_`, `.` and `/`. */
const COMMAND_NAME = /^[A-Za-z0-9_./]+$/;
const LOOP_VARIABLE = /^[A-Za-z][A-Za-z0-9_.]*$/;

const noNewline = (what: string) =>
  z.string().refine((s) => !/[\r\n]/.test(s), { error: `${what} must not contain a line break` });

/** A ClassAd expression written as is (`{ expr: "RequestMemory * 2" }`), not quoted as a string. */
export const SubmitExprSchema = z
  .strictObject({ expr: noNewline("an expression").pipe(z.string().min(1)) })
  .describe("A raw ClassAd expression in old syntax, inserted into the job ad unchanged.");
export type SubmitExpr = z.output<typeof SubmitExprSchema>;

/**
 * The value of a custom job attribute (`+Name` / `MY.Name`). A JS string is a ClassAd *string* and is quoted; numbers
 * and booleans are literals; `{ expr }` is an expression written as is. Submit macros (`$(Process)`) still expand
 * inside strings and expressions, as in a submit file (use {@link escapeMacros} to prevent that).
 */
export const CustomAttributeValueSchema = z
  .union([noNewline("a string value"), z.number().finite(), z.boolean(), SubmitExprSchema])
  .describe("A ClassAd string (quoted for you), number, boolean, or { expr } for a raw expression.");
export type CustomAttributeValue = z.output<typeof CustomAttributeValueSchema>;

/** A resource request: a number in the command's base unit, or text such as `2G`, `512M` or an expression. */
const ResourceSchema = z.union([
  z.number().nonnegative(),
  noNewline("a resource request").pipe(z.string().min(1)),
]);

const path = (what: string) => noNewline(what).describe(what);

/** The commands of a submit description (everything except the queue statements). */
export const SubmitCommandsSchema = z
  .strictObject({
    universe: z
      .enum(SUBMIT_UNIVERSES)
      .optional()
      .describe("`universe`: vanilla (the default), docker, container, ..."),
    executable: path(
      "`executable`: the program to run, relative to the submit directory unless absolute.",
    ).optional(),
    arguments: z
      .array(noNewline("an argument"))
      .optional()
      .describe("`arguments`, one string per argument; written in the new syntax (`\"a 'b c'\"`)."),
    environment: z
      .record(
        z
          .string()
          .regex(/^[^=]+$/, { error: "an environment variable name must be non-empty and contain no '='" }),
        noNewline("an environment value"),
      )
      .optional()
      .describe("`environment`, name to value; written in the new syntax (`\"A=1 B='x y'\"`)."),
    input: path("`input`: file given to the job as standard input.").optional(),
    output: path("`output`: file that receives the job's standard output.").optional(),
    error: path("`error`: file that receives the job's standard error.").optional(),
    log: path("`log`: the job event log of the submitter.").optional(),
    initialdir: path("`initialdir`: the job's initial working directory (Iwd).").optional(),
    requestCpus: ResourceSchema.optional().describe("`request_cpus`."),
    requestMemory: ResourceSchema.optional().describe(
      "`request_memory`: a number is MiB; text may use K/M/G/T units.",
    ),
    requestDisk: ResourceSchema.optional().describe(
      "`request_disk`: a number is KiB; text may use K/M/G/T units.",
    ),
    requestGpus: ResourceSchema.optional().describe("`request_gpus`."),
    requirements: noNewline("requirements").optional().describe("`requirements`: a ClassAd expression."),
    rank: noNewline("rank").optional().describe("`rank`: a ClassAd expression."),
    shouldTransferFiles: z.enum(["YES", "NO", "IF_NEEDED"]).optional().describe("`should_transfer_files`."),
    whenToTransferOutput: z
      .enum(["ON_EXIT", "ON_EXIT_OR_EVICT", "ON_SUCCESS"])
      .optional()
      .describe("`when_to_transfer_output`."),
    transferInputFiles: z
      .array(
        noNewline("a file name").refine((s) => !s.includes(","), {
          error: "a file name must not contain ','",
        }),
      )
      .optional()
      .describe("`transfer_input_files`."),
    transferOutputFiles: z
      .array(
        noNewline("a file name").refine((s) => !s.includes(","), {
          error: "a file name must not contain ','",
        }),
      )
      .optional()
      .describe("`transfer_output_files`; an empty list transfers no output files."),
    transferExecutable: z.boolean().optional().describe("`transfer_executable`."),
    dockerImage: noNewline("docker_image")
      .optional()
      .describe("`docker_image` (docker universe, or container)."),
    containerImage: noNewline("container_image")
      .optional()
      .describe("`container_image` (container universe)."),
    maxRetries: z.number().int().nonnegative().optional().describe("`max_retries`."),
    periodicRemove: noNewline("periodic_remove")
      .optional()
      .describe("`periodic_remove`: a ClassAd expression."),
    periodicHold: noNewline("periodic_hold").optional().describe("`periodic_hold`: a ClassAd expression."),
    periodicRelease: noNewline("periodic_release")
      .optional()
      .describe("`periodic_release`: a ClassAd expression."),
    onExitRemove: noNewline("on_exit_remove").optional().describe("`on_exit_remove`: a ClassAd expression."),
    onExitHold: noNewline("on_exit_hold").optional().describe("`on_exit_hold`: a ClassAd expression."),
    accountingGroup: noNewline("accounting_group").optional().describe("`accounting_group`."),
    accountingGroupUser: noNewline("accounting_group_user").optional().describe("`accounting_group_user`."),
    priority: z.number().int().optional().describe("`priority` (JobPrio)."),
    batchName: noNewline("batch_name").optional().describe("`batch_name`."),
    concurrencyLimits: z
      .array(
        noNewline("a limit").refine((s) => !/[,\s]/.test(s), {
          error: "a limit must not contain ',' or spaces",
        }),
      )
      .optional()
      .describe('`concurrency_limits`, e.g. `["db", "licence:2"]`.'),
    getenv: z
      .union([z.boolean(), z.array(noNewline("a variable pattern"))])
      .optional()
      .describe(
        "`getenv`: true copies the submitter's environment; a list names (or with ! excludes) variables.",
      ),
    notification: z.enum(["Never", "Always", "Complete", "Error"]).optional().describe("`notification`."),
    hold: z.boolean().optional().describe("`hold`: submit the jobs on hold."),
    custom: z
      .record(
        z.string().regex(ATTRIBUTE_NAME, { error: "an attribute name must be letters, digits and _" }),
        CustomAttributeValueSchema,
      )
      .optional()
      .describe("Custom job attributes (`+Name = value`, also written `MY.Name = value`)."),
    commands: z
      .record(
        z
          .string()
          .regex(COMMAND_NAME, { error: "a command name must be letters, digits, '_', '.' or '/'" })
          .refine((s) => !/^my\./i.test(s), { error: "write MY.Name attributes in `custom`" }),
        noNewline("a command value"),
      )
      .optional()
      .describe("Any other submit command or macro definition, as raw text (name to value)."),
  })
  .describe("Submit commands: typed fields plus raw `commands`.");
export type SubmitCommands = z.output<typeof SubmitCommandsSchema>;
export type SubmitCommandsInput = z.input<typeof SubmitCommandsSchema>;

const SliceSchema = z
  .strictObject({
    start: z.number().int().optional(),
    end: z.number().int().optional(),
    step: z.number().int().positive().optional(),
  })
  .describe("A python-style slice [start:end:step] selecting items by index.");

const queueCommon = {
  count: z
    .union([z.number().int().nonnegative(), noNewline("a queue count").pipe(z.string().min(1))])
    .optional()
    .describe(
      "Jobs per item (default 1); text is evaluated at expansion (a macro or an integer expression).",
    ),
  set: SubmitCommandsSchema.optional().describe(
    "Commands changed just before this queue statement (submit files may change commands between queue statements).",
  ),
};
const loopVars = z
  .array(z.string().regex(LOOP_VARIABLE, { error: "a loop variable must start with a letter" }))
  .min(1)
  .optional()
  .describe("Loop variable names; default `Item`.");
const item = (what: string) =>
  noNewline(what).refine((s) => s.trim() !== "" && !/^\s*[#)]/.test(s), {
    error: `${what} must not be empty or start with '#' or ')'`,
  });
/** A row of a `from` list; an empty row is allowed (condor_submit queues a job with empty values for it). */
const row = noNewline("a row").refine((s) => !/^\s*[#)]/.test(s), {
  error: "a row must not start with '#' or ')'",
});

/** `queue [N]`. */
const QueueCountSchema = z.strictObject({ ...queueCommon });
/** `queue [N] [var] in [slice] (item ...)`. */
const QueueInSchema = z.strictObject({
  ...queueCommon,
  vars: loopVars,
  in: z.array(
    item("an item").refine((s) => !/[\s,]/.test(s), { error: "an item must not contain spaces or ','" }),
  ),
  slice: SliceSchema.optional(),
});
/** `queue [N] [var, ...] from [slice] (rows)`; a row is a string or one value per variable. */
const QueueFromSchema = z.strictObject({
  ...queueCommon,
  vars: loopVars,
  from: z.array(z.union([row, z.array(noNewline("a value"))])),
  slice: SliceSchema.optional(),
});
/** `queue [N] [var, ...] from [slice] file` (or `from cmd |`). */
const QueueFromFileSchema = z.strictObject({
  ...queueCommon,
  vars: loopVars,
  fromFile: noNewline("a file name").pipe(z.string().min(1)),
  slice: SliceSchema.optional(),
});
/** `queue [N] [var] matching [files|dirs|any] [slice] pattern ...`. */
const QueueMatchingSchema = z.strictObject({
  ...queueCommon,
  vars: loopVars,
  matching: z
    .array(
      noNewline("a pattern").refine((s) => !/[\s,]/.test(s), {
        error: "a pattern must not contain spaces or ','",
      }),
    )
    .min(1),
  kind: z.enum(["files", "dirs", "any"]).optional(),
  slice: SliceSchema.optional(),
});

/** One `queue` statement in any of its forms. */
export const QueueStatementSchema = z
  .union([QueueInSchema, QueueFromSchema, QueueFromFileSchema, QueueMatchingSchema, QueueCountSchema])
  .describe(
    "A queue statement: count only, or with items `in`, rows `from`, a `fromFile`, or `matching` globs.",
  );
export type QueueStatement = z.output<typeof QueueStatementSchema>;
export type QueueStatementInput = z.input<typeof QueueStatementSchema>;

/** A whole submit description: commands, then one or more queue statements. */
export const SubmitDescriptionSchema = SubmitCommandsSchema.extend({
  queue: z
    .union([QueueStatementSchema, z.array(QueueStatementSchema)])
    .transform((q) => (Array.isArray(q) ? q : [q]))
    .optional()
    .describe(
      "The queue statement(s); one statement may be given without an array; omitted means a single `queue`.",
    ),
}).describe("A submit description (the object form of a condor_submit file).");
export type SubmitDescription = z.output<typeof SubmitDescriptionSchema>;
export type SubmitDescriptionInput = z.input<typeof SubmitDescriptionSchema>;

/**
 * The input model of the configuration generator: what one HTCondor instance (a central manager, a submit node, an
 * executor, or a personal all-in-one pool) needs to know. Zod schemas are the source of truth; the TypeScript types
 * are inferred from them. {@link parseCondorConfigInput} validates an input and throws a
 * {@link CondorConfigInputError} naming each offending field.
 */
import { z } from "zod";
import { Secret } from "../../secret.js";
import { isValidParamName } from "../macros.js";
import { CondorConfigInputError, type ConfigInputIssue } from "./errors.js";

/** The roles bsaas deploys. `personal` runs every daemon in one instance (local mode, tests). */
export const CONDOR_ROLES = ["central-manager", "submit", "execute", "personal"] as const;
export const CondorRoleSchema = z.enum(CONDOR_ROLES);
export type CondorRole = z.infer<typeof CondorRoleSchema>;

const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\$\([A-Za-z0-9_.]+\))$/;
const SOCK = /^[A-Za-z0-9_.-]+$/;

/** `host[:port][?sock=name]`, the address form of COLLECTOR_HOST. */
export const CentralManagerAddressSchema = z
  .union([
    z.string().transform((s, ctx) => {
      const m = /^(\[[^\]]*\]|[^:?]*)(?::(\d+))?(?:\?sock=([^&]*))?$/.exec(s.trim());
      const host = m?.[1] ?? "";
      const port = m?.[2] === undefined ? undefined : Number(m[2]);
      const sock = m?.[3];
      if (
        !m ||
        !HOST.test(host) ||
        (port !== undefined && (port < 1 || port > 65535)) ||
        (sock !== undefined && !SOCK.test(sock))
      ) {
        ctx.addIssue({
          code: "custom",
          message: `"${s}" is not an address of the form host[:port][?sock=name] (port 1-65535, e.g. cm.example.org:9618?sock=collector)`,
        });
        return z.NEVER;
      }
      return { host, port, sock };
    }),
    z.strictObject({
      host: z.string().regex(HOST, { error: "must be a host name, an IPv4 address, [IPv6] or a $(MACRO)" }),
      port: z.number().int().min(1).max(65535).optional(),
      sock: z
        .string()
        .regex(SOCK, { error: "must be a shared-port socket name such as collector" })
        .optional(),
    }),
  ])
  .describe("The central manager (collector): host[:port][?sock=name].");
export type CentralManagerAddress = z.output<typeof CentralManagerAddressSchema>;

const secret = z.instanceof(Secret, {
  error: "must be a Secret (new Secret(value)); secrets are never plain strings",
});

/** A value written after `NAME =`: one line, no trailing backslash (which would continue the line). */
const knobValue = z
  .string()
  .refine((v) => !/[\r\n]/.test(v), { error: "must be a single line (no newline)" })
  .refine((v) => !/\\\s*$/.test(v), {
    error: "must not end with a backslash (HTCondor would join the next line)",
  });

/** A text that is published literally: no `$` (macro syntax), quotes or backslashes. */
const plainWord = (what: string) =>
  z
    .string()
    .min(1)
    .regex(/^[^\s"\\$#]+$/, {
      error: `${what} must be one word without spaces, quotes, backslashes, $ or #`,
    });

const knobName = z.string().refine(isValidParamName, {
  error: "must be a configuration knob name (letters, digits, _ . /)",
});

const absolutePath = (what: string) =>
  z
    .string()
    .regex(/^(\/|\$\()[^\r\n]*$/, { error: `${what} must be an absolute path (or start with a $(MACRO))` })
    .refine((v) => !/\s/.test(v), { error: `${what} must not contain whitespace` });

const port = z.number().int().min(1).max(65535);

const identityPatterns = z
  .array(
    z.string().regex(/^[^\s,]+$/, {
      error: "must be one user@domain pattern (wildcard * allowed), no spaces or commas",
    }),
  )
  .min(1);

/** IDTOKENS: per-role tokens signed with the pool's key, the secure default. */
export const IdTokensSecuritySchema = z
  .strictObject({
    mode: z.literal("idtokens"),
    trustDomain: z
      .string()
      .regex(/^[^\s,$]+$/, { error: "must be one word (it becomes TRUST_DOMAIN and the token issuer)" })
      .optional()
      .describe("TRUST_DOMAIN, the issuer of the pool's tokens; default the central manager's host."),
    tokenDirectory: absolutePath("tokenDirectory")
      .optional()
      .describe(
        "SEC_TOKEN_DIRECTORY; default $(LOCAL_DIR)/tokens.d with a localDir, else /etc/condor/tokens.d.",
      ),
    passwordDirectory: absolutePath("passwordDirectory")
      .optional()
      .describe(
        "SEC_PASSWORD_DIRECTORY (holds the signing key POOL); default $(LOCAL_DIR)/passwords.d or /etc/condor/passwords.d.",
      ),
    signingKey: secret
      .optional()
      .describe(
        "The pool signing key (createSigningKey()); only instances that mint or verify locally need it, normally the central manager.",
      ),
    token: secret
      .optional()
      .describe("This instance's IDTOKEN (mintToken()), written to the token directory."),
    tokenFile: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, { error: "must be a plain file name" })
      .default("bsaas")
      .describe("File name of the token in the token directory."),
    identities: z
      .strictObject({
        centralManager: identityPatterns.optional(),
        submit: identityPatterns.optional(),
        execute: identityPatterns.optional(),
        admin: identityPatterns.optional(),
      })
      .default({})
      .describe(
        "Which token identities (user@trustDomain patterns) each kind of peer uses; default every identity of the trust domain, so that the tokens' authorizations decide.",
      ),
    anonymousRead: z
      .boolean()
      .default(false)
      .describe("Allow unauthenticated READ (condor_status without a token). Off by default."),
    submitters: identityPatterns
      .optional()
      .describe(
        "Who may submit jobs (submit role): default local users ( *@$(UID_DOMAIN), via FS ) and the admin identities.",
      ),
    localAdministrators: identityPatterns
      .optional()
      .describe(
        "Local identities with ADMINISTRATOR (via FS): default condor@$(UID_DOMAIN), which is root's tools.",
      ),
    localDaemons: identityPatterns.element
      .array()
      .optional()
      .describe(
        "Local identities treated as this pool's daemons (via FS, same host only): default condor@$(UID_DOMAIN).",
      ),
  })
  .describe("IDTOKENS security.");

/** The legacy shared pool password (HTCondor's PASSWORD method). */
export const PoolPasswordSecuritySchema = z
  .strictObject({
    mode: z.literal("pool-password"),
    password: secret.describe("The pool password, as an administrator would type it to condor_store_cred."),
    passwordDirectory: absolutePath("passwordDirectory").optional(),
  })
  .describe("Pool password security.");

/** No authentication at all: every host may do everything. For tests only. */
export const NoSecuritySchema = z
  .strictObject({ mode: z.literal("none") })
  .describe("No security; anybody who can connect may administer the pool. Tests only.");

export const CondorSecuritySchema = z
  .discriminatedUnion("mode", [IdTokensSecuritySchema, PoolPasswordSecuritySchema, NoSecuritySchema])
  .default({ mode: "idtokens", tokenFile: "bsaas", identities: {}, anonymousRead: false });
export type CondorSecurity = z.output<typeof CondorSecuritySchema>;

/** Networking knobs. */
export const CondorNetworkSchema = z
  .strictObject({
    noDns: z.boolean().optional().describe("NO_DNS = True: for network namespaces without DNS."),
    defaultDomainName: plainWord("defaultDomainName")
      .optional()
      .describe("DEFAULT_DOMAIN_NAME, needed together with noDns."),
    bindAddress: plainWord("bindAddress")
      .optional()
      .describe("NETWORK_INTERFACE: the address daemons bind to and advertise."),
    lowPort: port.optional().describe("LOWPORT: lowest dynamic port."),
    highPort: port.optional().describe("HIGHPORT: highest dynamic port."),
  })
  .default({});

/** Resources an executor advertises. */
export const CondorResourcesSchema = z
  .strictObject({
    cpus: z.number().int().positive().optional().describe("NUM_CPUS; default what HTCondor detects."),
    memoryMb: z.number().int().positive().optional().describe("MEMORY in MB; default what HTCondor detects."),
    diskMb: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("DISK (written in KiB) in MB; default the free space."),
    partitionable: z
      .boolean()
      .default(true)
      .describe("One partitionable slot with all resources (true), or one static slot per CPU (false)."),
  })
  .default({ partitionable: true });

/**
 * Default MAXJOBRETIREMENTTIME, in seconds (7 days). HTCondor's own default, 0, makes `condor_drain -graceful` (how
 * bsaas scales executors down) evict running jobs at once, losing their work. A long retirement lets them finish;
 * a job that runs longer still is evicted and requeued, not lost. It is finite so that a stuck job cannot keep an
 * executor alive forever; the deployer waits for the drain to finish before it removes the executor.
 */
export const DEFAULT_MAX_JOB_RETIREMENT_SECONDS = 7 * 24 * 3600;

export const CondorConfigInputSchema = z
  .strictObject({
    role: CondorRoleSchema,
    centralManager: CentralManagerAddressSchema.optional(),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
        error: "must be letters, digits, _ . - (it becomes MASTER_NAME)",
      })
      .optional()
      .describe(
        "Instance name: MASTER_NAME, and STARTD_NAME or SCHEDD_NAME. Needed when several instances share a host.",
      ),
    localDir: absolutePath("localDir")
      .optional()
      .describe("LOCAL_DIR; log, spool, execute, lock and run live under it."),
    sharedPort: z
      .strictObject({
        enabled: z.boolean().default(true),
        port: port.optional().describe("SHARED_PORT_PORT; default HTCondor's (9618)."),
      })
      .default({ enabled: true }),
    ccb: z
      .union([z.literal("collector"), z.strictObject({ address: z.string().regex(/^[^\s]+$/) })])
      .optional()
      .describe('CCB_ADDRESS: "collector" for the collector ($(COLLECTOR_HOST)), or another broker.'),
    ccbAddress: z
      .string()
      .regex(/^[^\s]+$/, { error: "must be one broker address (host[:port][?sock=name])" })
      .optional()
      .describe("CCB_ADDRESS written as given: the same as ccb: { address }."),
    privateNetworkName: plainWord("privateNetworkName").optional(),
    tcpForwardingHost: plainWord("tcpForwardingHost").optional(),
    network: CondorNetworkSchema,
    security: CondorSecuritySchema,
    resources: CondorResourcesSchema,
    site: plainWord("site").optional().describe("Published as Site in the slot ads (STARTD_ATTRS)."),
    startdAttrs: z
      .record(knobName, knobValue.pipe(z.string().min(1)))
      .default({})
      .describe("More attributes for the slot ads: name -> ClassAd expression (old syntax)."),
    raw: z
      .record(knobName, knobValue)
      .default({})
      .describe("Further knobs, written last: name -> raw value."),
    sandboxCompat: z
      .boolean()
      .default(false)
      .describe(
        "MOUNT_UNDER_SCRATCH = (empty) and USE_PID_NAMESPACES = False, for starters inside a sandbox/chroot.",
      ),
    container: z
      .boolean()
      .default(false)
      .describe(
        "Running in a container: ENABLE_KERNEL_TUNING = False, and IsContainer = True in the slot ads.",
      ),
    retirement: z
      .strictObject({
        maxJobRetirementSeconds: z.number().int().min(0).default(DEFAULT_MAX_JOB_RETIREMENT_SECONDS),
      })
      .default({ maxJobRetirementSeconds: DEFAULT_MAX_JOB_RETIREMENT_SECONDS }),
    includeSystemConfig: z
      .union([z.boolean(), absolutePath("includeSystemConfig")])
      .default(true)
      .describe("First line `include : /etc/condor/condor_config` (true), another path, or nothing (false)."),
    systemConfigDirs: z
      .enum(["skip", "read"])
      .default("skip")
      .describe(
        "The system config's LOCAL_CONFIG_DIR/LOCAL_CONFIG_FILE are read after this whole file and would override it; skip them (default) or read them.",
      ),
  })
  .superRefine((input, ctx) => {
    const needsCm = input.role === "submit" || input.role === "execute";
    if (needsCm && !input.centralManager) {
      ctx.addIssue({
        code: "custom",
        path: ["centralManager"],
        message: `is required for the ${input.role} role`,
      });
    }
    if (input.role === "personal" && input.centralManager) {
      ctx.addIssue({
        code: "custom",
        path: ["centralManager"],
        message: "must not be set for the personal role (it is its own central manager at 127.0.0.1)",
      });
    }
    const { lowPort, highPort, noDns, defaultDomainName } = input.network;
    if ((lowPort === undefined) !== (highPort === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["network", lowPort === undefined ? "lowPort" : "highPort"],
        message: "lowPort and highPort go together",
      });
    } else if (lowPort !== undefined && highPort !== undefined && lowPort > highPort) {
      ctx.addIssue({ code: "custom", path: ["network", "highPort"], message: "must not be below lowPort" });
    }
    if (noDns && !defaultDomainName) {
      ctx.addIssue({
        code: "custom",
        path: ["network", "defaultDomainName"],
        message: "is required with noDns (HTCondor needs a domain name when it cannot ask DNS)",
      });
    }
    const runsStartd = input.role === "execute" || input.role === "personal";
    if (!runsStartd) {
      for (const field of ["site", "resources", "startdAttrs"] as const) {
        const v = input[field];
        const given =
          field === "resources"
            ? Object.keys(v ?? {}).some((k) => k !== "partitionable")
            : field === "startdAttrs"
              ? Object.keys(v ?? {}).length > 0
              : v !== undefined;
        if (given)
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: `only applies to the execute and personal roles`,
          });
      }
    }
    if (
      input.security.mode === "idtokens" &&
      !input.security.trustDomain &&
      !input.centralManager &&
      input.role !== "personal"
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["security", "trustDomain"],
        message: "is required when there is no centralManager to derive it from",
      });
    }
    if (input.ccb !== undefined && input.ccbAddress !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["ccbAddress"],
        message: "give either ccb or ccbAddress, not both",
      });
    }
    const reserved = new Set(["SITE", "ISCONTAINER"]);
    for (const attr of Object.keys(input.startdAttrs)) {
      if (reserved.has(attr.toUpperCase())) {
        ctx.addIssue({
          code: "custom",
          path: ["startdAttrs", attr],
          message: "is set by the site/container options; use those",
        });
      }
    }
  });

/** What callers pass (defaults may be omitted). */
export type CondorConfigInput = z.input<typeof CondorConfigInputSchema>;
/** The validated input with defaults applied. */
export type CondorConfigResolved = z.output<typeof CondorConfigInputSchema>;

/**
 * Validates a role-config input and fills in defaults. Throws {@link CondorConfigInputError} listing every
 * problem with the path of its field (`network.highPort: must not be below lowPort`).
 */
export function parseCondorConfigInput(input: unknown): CondorConfigResolved {
  if (input !== null && typeof input === "object" && (input as { role?: unknown }).role === undefined) {
    throw new CondorConfigInputError([
      { path: ["role"], message: `is required (one of ${CONDOR_ROLES.join(", ")})` },
    ]);
  }
  const r = CondorConfigInputSchema.safeParse(input);
  if (r.success) return r.data;
  const issues: ConfigInputIssue[] = r.error.issues.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== "symbol"),
    message: i.message,
  }));
  throw new CondorConfigInputError(issues);
}

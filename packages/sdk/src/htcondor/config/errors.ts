/**
 * Errors of the HTCondor configuration area: invalid role-config input (names the field), syntax errors in a
 * configuration file (file:line:column), expansion failures (names the macro), and IDTOKENS problems.
 */
import { BsaasError, type BsaasErrorOptions, formatFieldPath, type SourcePosition } from "../../errors.js";

/** One problem in a role-config input object. */
export interface ConfigInputIssue {
  /** Path of the offending field, e.g. `["security", "trustDomain"]`. */
  path: (string | number)[];
  message: string;
}

/** A role-config input (the object given to `renderCondorConfig` and friends) is not valid. */
export class CondorConfigInputError extends BsaasError {
  readonly issues: ConfigInputIssue[];

  constructor(issues: ConfigInputIssue[], options: BsaasErrorOptions = {}) {
    const lines = issues.map((i) => {
      const path = formatFieldPath(i.path);
      return path ? `${path}: ${i.message}` : i.message;
    });
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super("HTCONDOR_CONFIG_INVALID", `Invalid HTCondor role configuration (${count}):\n${lines.join("\n")}`, {
      hint: "Fix the fields named above; the accepted shape is CondorRoleConfigInput in @bsaas/sdk/htcondor.",
      ...options,
    });
    this.issues = issues;
  }

  /** The path of the first problem as the user writes it (`security.trustDomain`). */
  get field(): string {
    return formatFieldPath(this.issues[0]?.path ?? []);
  }
}

/** A configuration text could not be parsed the way HTCondor parses it. */
export class CondorConfigSyntaxError extends BsaasError {
  /** The file as given to the parser (or the include path), or `<input>`. */
  readonly file: string;
  readonly position: SourcePosition;
  /** The problem without the location prefix. */
  readonly problem: string;

  constructor(file: string, position: SourcePosition, problem: string, options: BsaasErrorOptions = {}) {
    super("HTCONDOR_CONFIG_SYNTAX", `${file}:${position.line}:${position.column}: ${problem}`, {
      hint: "Fix the configuration line shown; `condor_config_val -config` names the files HTCondor reads.",
      ...options,
    });
    this.file = file;
    this.position = position;
    this.problem = problem;
  }
}

/** Expanding a configuration value failed (a macro refers to itself, an unsupported `$FUNC()`, a bad `$INT()`). */
export class CondorConfigExpansionError extends BsaasError {
  /** The knob whose value was being expanded. */
  readonly knob: string;

  constructor(knob: string, problem: string, options: BsaasErrorOptions = {}) {
    super("HTCONDOR_CONFIG_EXPANSION", `expanding ${knob}: ${problem}`, {
      hint: "Fix the definition of the macro named above (condor_config_val -v NAME shows where it is defined).",
      ...options,
    });
    this.knob = knob;
  }
}

/** An IDTOKEN could not be decoded or its signature/claims do not verify. */
export class CondorTokenError extends BsaasError {
  constructor(problem: string, options: BsaasErrorOptions = {}) {
    super("HTCONDOR_TOKEN_INVALID", `IDTOKEN: ${problem}`, {
      hint: "Mint the token again with the pool's signing key (mintToken) and the pool's trust domain as issuer.",
      ...options,
    });
  }
}

/** A signing key or pool password cannot be stored in the form HTCondor reads. */
export class CondorSigningKeyError extends BsaasError {
  constructor(problem: string, options: BsaasErrorOptions = {}) {
    super("HTCONDOR_SIGNING_KEY_INVALID", problem, {
      hint: "Use createSigningKey() for a new key; keys must be non-empty text HTCondor can store in SEC_PASSWORD_DIRECTORY.",
      ...options,
    });
  }
}

/**
 * Steps for the job's command line and environment (`arguments`, `environment`, `env`, `getenv`).
 */
import { type JobContext, wildcardMatch } from "./job-context.js";
import { splitTokens, stringToBoolean } from "./macros.js";
import {
  joinArgsV2Raw,
  joinEnvironmentV2Raw,
  NO_ENVIRONMENT_VALUE,
  parseArgumentsValue,
  parseEnvironmentValue,
  SubmitQuotingError,
} from "./quoting.js";

/** Arguments (new syntax) or Args (when the submit file used the old syntax). */
export function setArguments(ctx: JobContext): void {
  ctx.currentCommand = "arguments";
  const args1 = ctx.param("arguments", "Args");
  const args2 = ctx.param("arguments2");
  const allowV1 = ctx.paramBool("allow_arguments_v1", undefined, false).value;
  if (args1 !== undefined && args2 !== undefined && !allowV1) {
    ctx.fail(
      "If you wish to specify both 'arguments' and 'arguments2' you must also specify allow_arguments_v1=true",
    );
  }
  if (args1 === undefined && args2 === undefined && (ctx.job.has("Args") || ctx.job.has("Arguments"))) return;
  let parsed: { args: string[]; syntax: "v1" | "v2" } = { args: [], syntax: "v2" };
  const text = args2 ?? args1;
  if (text !== undefined) {
    try {
      if (args2 !== undefined && !/^\s*"/.test(args2)) {
        throw new SubmitQuotingError("Expecting a double-quoted arguments string (V2 format)", 0);
      }
      parsed = parseArgumentsValue(text);
    } catch (error) {
      ctx.fail(`${(error as Error).message}; the full arguments you specified were: ${text}`);
    }
  }
  if (parsed.syntax === "v1") ctx.job.setString("Args", parsed.args.join(" "));
  else ctx.job.setString("Arguments", joinArgsV2Raw(parsed.args));
}

/** Environment (or Env + EnvDelim for the old `env` syntax), merged with `getenv` variables, sorted by name. */
export function setEnvironment(ctx: JobContext): void {
  ctx.currentCommand = "environment";
  const env1 = ctx.param("environment", "env");
  const env2 = ctx.param("environment2");
  const allowV1 = ctx.paramBool("allow_environment_v1", undefined, false).value;
  let preferV1 = false;
  if (env1 !== undefined && env2 === undefined) {
    const viaEnv = ctx.param("env");
    preferV1 = viaEnv !== undefined && !/^\s*"/.test(viaEnv);
  }
  if (env1 !== undefined && env2 !== undefined && !allowV1) {
    ctx.fail(
      "If you wish to specify both 'environment' and 'environment2' you must also specify allow_environment_v1=true",
    );
  }
  let env = new Map<string, string>();
  const text = env2 ?? env1;
  if (text !== undefined) {
    try {
      if (env2 !== undefined && !/^\s*"/.test(env2)) {
        throw new SubmitQuotingError("Expecting a double-quoted environment string (V2 format).", 0);
      }
      env = parseEnvironmentValue(text).env;
    } catch (error) {
      ctx.fail(`${(error as Error).message}; the environment you specified was: '${text}'`);
    }
  }
  const getenv = ctx.param("getenv", "get_env");
  if (getenv !== undefined) {
    const v1Only = env1 !== undefined && env2 === undefined;
    const flag = /^(true|false|1|0)\s*$/i.test(getenv) ? stringToBoolean(getenv) : undefined;
    const white: string[] = [];
    const black: string[] = [];
    if (flag === undefined) {
      for (const item of splitTokens(getenv, ",; \t\r\n")) {
        if (item.startsWith("!")) {
          if (item.slice(1).trim()) black.push(item.slice(1).trim());
        } else white.push(item);
      }
    }
    if (flag !== false) {
      if (flag === true && !ctx.configBool("SUBMIT_ALLOW_GETENV", true)) {
        ctx.fail(
          "getenv = true command not allowed because administrator has set SUBMIT_ALLOW_GETENV = false",
          "getenv",
        );
      }
      for (const [name, value] of Object.entries(ctx.options.env ?? {})) {
        if (value === undefined || env.has(name) || name === "" || name.includes("=")) continue;
        if (value.includes("\n")) continue;
        if (v1Only && value.includes(";")) continue;
        if (black.some((p) => wildcardMatch(p, name))) continue;
        if (white.length > 0 && !white.some((p) => wildcardMatch(p, name))) continue;
        env.set(name, value);
      }
    }
  }
  const hasV1 = ctx.job.has("Env");
  const hasV2 = ctx.job.has("Environment");
  let insert1 = preferV1;
  let insert2 = !insert1;
  if (env1 === undefined && env2 === undefined && env.size === 0 && (hasV1 || hasV2)) {
    insert1 = false;
    insert2 = false;
  }
  if (insert1 && hasV2) insert2 = true;
  if (insert2 && hasV1) insert1 = true;
  const sorted = [...env.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (insert1) {
    const parts: string[] = [];
    for (const [name, value] of sorted) {
      if (/[;\n]/.test(name) || /[;\n]/.test(value)) {
        ctx.fail(
          `failed to insert environment into job ad: Environment entry is not compatible with V1 syntax: ${name}=${value}`,
        );
      }
      parts.push(value === NO_ENVIRONMENT_VALUE ? name : `${name}=${value}`);
    }
    ctx.job.setString("Env", parts.join(";"));
    ctx.job.setString("EnvDelim", ";");
  }
  if (insert2) ctx.job.setString("Environment", joinEnvironmentV2Raw(sorted));
}

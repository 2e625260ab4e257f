import { BsaasError } from "@bsaas/sdk";
import { stringifyMesosJson } from "@bsaas/sdk/mesos";
import { Command, Errors } from "@oclif/core";

/**
 * Base of every bsaas command: turns the SDK's typed errors into one readable message with the hint on the next line
 * (or, with --json, into `{ error: { code, message, hint } }`), exit status 1.
 */
export abstract class BaseCommand extends Command {
  /** `--json` output; 64-bit integers (Mesos' `bigint`s) are written as exact JSON numbers. */
  protected override logJson(json: unknown): void {
    process.stdout.write(`${stringifyMesosJson(json, 2)}\n`);
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (!(error instanceof BsaasError)) return super.catch(error);
    if (this.jsonEnabled()) {
      this.logJson({
        error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
      });
      this.exit(1);
    }
    throw new Errors.CLIError(error.message, { exit: 1, suggestions: error.hint ? [error.hint] : [] });
  }
}

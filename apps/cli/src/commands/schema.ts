import { writeFile } from "node:fs/promises";
import { clusterJsonSchema } from "@bsaas/sdk/cluster";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../base.js";

export default class Schema extends BaseCommand {
  static override summary = "Print the JSON Schema of the cluster file.";
  static override description =
    `Editors use it to complete and check cluster files (VS Code: the YAML extension's "yaml.schemas" setting). The schema describes the file as written; cross-field rules such as site references are checked by \`bsaas validate\`.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> > cluster.schema.json",
    "<%= config.bin %> <%= command.id %> --output .vscode/cluster.schema.json",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    output: Flags.string({ char: "o", summary: "Write the schema to this file instead of standard output." }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Schema);
    const schema = clusterJsonSchema();
    const text = `${JSON.stringify(schema, null, 2)}\n`;
    if (flags.output) {
      await writeFile(flags.output, text);
      if (!this.jsonEnabled()) this.logToStderr(`wrote ${flags.output}`);
    } else if (!this.jsonEnabled()) {
      process.stdout.write(text);
    }
    return schema;
  }
}

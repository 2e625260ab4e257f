// Writes schema/cluster.schema.json from the built SDK. `npm run schema:write -w packages/sdk` after changing the
// cluster schema; a test fails while the committed file is stale.
import { writeFileSync } from "node:fs";
import { clusterJsonSchema } from "../dist/cluster/index.js";

const target = new URL("../schema/cluster.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(clusterJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);

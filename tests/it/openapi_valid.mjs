// The OpenAPI document checked by two independent validators from npm
// (tests/tools): swagger-parser's schema validation and redocly's lint
// (errors fail, warnings are printed).  Usage: node openapi_valid.mjs FILE
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import path from "node:path";

const tools = path.join(path.dirname(new URL(import.meta.url).pathname),
  "..", "tools");
const require = createRequire(path.join(tools, "package.json"));
const SwaggerParser = require("@apidevtools/swagger-parser");
const file = process.argv[2];

const api = await SwaggerParser.validate(file);
if (!api.openapi.startsWith("3.1"))
  throw new Error(`${file}: openapi ${api.openapi}, expected 3.1.x`);
console.log(`swagger-parser: ${file} valid, ${Object.keys(api.paths).length} paths`);
const redocly = path.join(tools, "node_modules", ".bin", "redocly");
// Throws (non-zero exit) when redocly finds an error.
execFileSync(redocly, ["lint", "--format=summary", file], {
  stdio: "inherit",
  env: { ...process.env, REDOCLY_TELEMETRY: "off",
    REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
});
console.log("redocly: no errors");

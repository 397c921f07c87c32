// Copies the GraphiQL page's third-party assets from the pinned npm packages
// in node_modules into gateway/graphiql/static/ (git-ignored), and writes
// manifest.json naming the package versions they came from. Run by
// `npm run assets`, which `make serve` and `make test` do after `npm ci`.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "..", "package.json"));
const target = join(here, "static");

// served name -> [npm package, file inside it]
const files = {
  "react.production.min.js": ["react", "umd/react.production.min.js"],
  "react-dom.production.min.js": ["react-dom", "umd/react-dom.production.min.js"],
  "graphiql.min.js": ["graphiql", "graphiql.min.js"],
  "graphiql.min.css": ["graphiql", "graphiql.min.css"],
  "plugin-explorer.umd.js": ["@graphiql/plugin-explorer", "dist/index.umd.js"],
  "plugin-explorer.css": ["@graphiql/plugin-explorer", "dist/style.css"],
};

function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

mkdirSync(target, { recursive: true });
const versions = {};
for (const [served, [pkg, file]] of Object.entries(files)) {
  const dir = packageDir(pkg);
  copyFileSync(join(dir, file), join(target, served));
  versions[pkg] = JSON.parse(readFileSync(join(dir, "package.json"))).version;
}
writeFileSync(
  join(target, "manifest.json"),
  JSON.stringify({ files: Object.keys(files), versions }, null, 2) + "\n",
);
console.log(`GraphiQL assets copied to ${target}:`, versions);

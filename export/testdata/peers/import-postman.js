// Bruno's own import of a Postman collection, as the Bruno app does it
// (@usebruno/converters' postmanToBruno) and written as a collection
// folder the way `bru import` writes one (the CLI's
// createCollectionFromBrunoObject): `bru import` itself reads OpenAPI and
// WSDL only.
//
//   node import-postman.js COLLECTION.postman_collection.json OUT_DIR
const fs = require('fs');
const path = require('path');
const { postmanToBruno } = require('@usebruno/converters');
const { createCollectionFromBrunoObject } = require('@usebruno/cli/src/utils/collection');

async function main() {
  const [src, out] = process.argv.slice(2);
  if (!src || !out) {
    console.error('usage: node import-postman.js COLLECTION.json OUT_DIR');
    process.exit(2);
  }
  const converted = await postmanToBruno(JSON.parse(fs.readFileSync(src, 'utf8')));
  const collection = converted.collection || converted;
  fs.mkdirSync(out, { recursive: true });
  await createCollectionFromBrunoObject(collection, path.resolve(out), { format: 'bru' });
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});

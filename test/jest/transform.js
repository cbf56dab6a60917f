// Nest 12 publishes ES modules; jest runs CommonJS. Compile both our TypeScript and those
// packages with swc, first rewriting the few `import.meta` uses that CommonJS lacks.
const swcJest = require('@swc/jest');

const swc = swcJest.createTransformer({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
});

function cjsify(src) {
  if (!src.includes('import.meta')) return src;
  return src
    .replace(/const require = createRequire\(import\.meta\.url\);/g, '')
    .replace(/const (\w+) = createRequire\(import\.meta\.url\);/g, 'const $1 = require;')
    .replace(/import\.meta\.url/g, "require('url').pathToFileURL(__filename).href")
    .replace(/import\.meta\.dirname/g, '__dirname')
    .replace(/import\.meta\.filename/g, '__filename');
}

module.exports = {
  process(src, filename, options) {
    return swc.process(cjsify(src), filename, options);
  },
  getCacheKey(src, filename, options) {
    return `${swc.getCacheKey(src, filename, options)}:cjsify-1`;
  },
};

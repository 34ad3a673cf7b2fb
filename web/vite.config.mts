import vue from '@vitejs/plugin-vue';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { defineConfig } from 'vite';

// The staff dashboard: built into dist/web, served at `/` by the Koa app (src/http/static-dashboard.ts).
// Element Plus components are imported on demand by the resolver (a full import is ~300 kB gzipped).
const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false })],
  build: { outDir: path.join(here, '..', 'dist', 'web'), emptyOutDir: true, chunkSizeWarningLimit: 1200 },
});

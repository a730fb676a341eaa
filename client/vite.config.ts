import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// `npm run dev`: hot reload on 5173, API and sockets proxied to the server on 3000.
export default defineConfig({
  plugins: [solid()],
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The app runs on its own origin and calls the API cross-origin (see README.md): the dev server
// and the preview server use fixed ports so the API's CORS_ORIGINS can name them.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
});

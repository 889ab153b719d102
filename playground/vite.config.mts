import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into dist/playground and served by the API under /playground/ (src/http/playground.ts):
// everything the page needs comes from the project's own installed packages, so it works offline.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/playground/",
  plugins: [react()],
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../dist/playground", import.meta.url)),
    emptyOutDir: true,
    // Monaco is large; it is served once and cached (hashed file names).
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
    rolldownOptions: {
      onwarn(warning, warn) {
        // GraphiQL's React Compiler output marks modules "use no memo"; bundling them is harmless.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
});

// Starts `python -m tests.http.stack` (the sandbox plus the gateway on free
// loopback ports) and resolves to its URLs and the demo admin's headers.
// `env` adds GATEWAY_* settings. Closing the child's stdin stops it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const python = process.env.RC_GATEWAY_PYTHON ?? join(root, ".venv", "bin", "python");
const STARTUP_MS = 60_000;

export async function startStack(env = {}) {
  const child = spawn(python, ["-m", "tests.http.stack"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const timer = setTimeout(() => child.kill(), STARTUP_MS);
  try {
    const [line] = await Promise.race([
      once(lines, "line"),
      once(child, "exit").then(([code]) => {
        throw new Error(`tests.http.stack exited with ${code} before serving`);
      }),
    ]);
    const stack = JSON.parse(line);
    return {
      ...stack,
      async stop() {
        if (child.exitCode !== null) return;
        const exited = once(child, "exit");
        child.stdin.end();
        await exited;
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

// Varnish as the CDN of the end-to-end test: `varnishd -F` on 127.0.0.1, with its own
// working directory and a VCL from test/e2e/vcl/, in front of the origin.
import fs from "node:fs/promises";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, startProcess, waitUntil } from "./support.mjs";

/** The directory of the repository's VCL files. */
export const VCL_DIR = fileURLToPath(new URL("./vcl/", import.meta.url));

/**
 * The varnishd command: on the PATH, or where Debian installs it (/usr/sbin, which is not on
 * every user's PATH); `undefined` when Varnish is not installed.
 */
export function findVarnishd() {
  return ["varnishd", "/usr/sbin/varnishd"].find((command) => !spawnSync(command, ["-V"], { stdio: "ignore" }).error);
}

/**
 * Starts varnishd with `vclFile` (from test/e2e/vcl/) in front of an origin on
 * 127.0.0.1:`backendPort`, working in `workDir`. Resolves to `{ url, pid }` once it answers
 * HTTP; its stop (by pid) is registered with `cleanup`.
 */
export async function startVarnish({ vclFile, backendPort, workDir, cleanup, timeoutMs = 30000 }) {
  // Started as root, varnishd compiles VCL as an unprivileged user, who may not be able to
  // reach a checkout in a private home directory: so the VCL is copied, byte for byte, into a
  // world-readable directory, next to the backend definition it includes.
  await fs.mkdir(workDir, { recursive: true, mode: 0o755 });
  await fs.chmod(workDir, 0o755);
  const vcl = path.join(workDir, path.basename(vclFile));
  await fs.copyFile(vclFile, vcl);
  await fs.chmod(vcl, 0o644);
  const backend = `backend origin {\n\t.host = "127.0.0.1";\n\t.port = "${backendPort}";\n}\n`;
  await fs.writeFile(path.join(workDir, "e2e-origin.vcl"), backend, { mode: 0o644 });

  const varnishd = findVarnishd();
  if (!varnishd) throw new Error("varnishd not found: apt-get install varnish");
  const port = await freePort();
  const args = [
    "-F",
    "-a",
    `127.0.0.1:${port}`,
    // No management port: nothing listens but the HTTP address above.
    "-T",
    "none",
    "-n",
    path.join(workDir, "varnishd"),
    "-p",
    `vcl_path=${workDir}`,
    "-f",
    vcl,
    "-s",
    "malloc,32m",
    "-l",
    "2m",
  ];
  const child = startProcess(varnishd, args, { cleanup });
  let spawnError;
  child.once("error", (error) => {
    spawnError = error;
  });
  const url = `http://127.0.0.1:${port}`;
  const abortIf = () => {
    if (spawnError) return spawnError.message;
    if (child.exitCode !== null || child.signalCode !== null) return "varnishd exited";
    return undefined;
  };
  await waitUntil(
    async () => {
      // Any HTTP answer means the cache process is up (the origin answers 404, never cached).
      const response = await fetch(`${url}/__e2e_ready`, { signal: AbortSignal.timeout(2000) });
      return response.status > 0;
    },
    { timeoutMs, intervalMs: 200, what: `varnishd ${args.join(" ")}`, abortIf },
  ).catch((error) => {
    throw new Error(`${error.message}\n${child.output()}`);
  });
  return { url, pid: child.pid, output: () => child.output() };
}

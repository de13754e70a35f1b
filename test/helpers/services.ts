import { Socket } from "node:net";

/** Whether something answers on a local TCP port. */
export function isListening(port: number, host = "127.0.0.1", timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.connect(port, host);
  });
}

/**
 * Tests that need Redis or PostgreSQL skip, loudly, when the service is absent on a workstation;
 * in CI (REQUIRE_SERVICES=1) an absent service is a failure, never a silent skip.
 */
export async function serviceAvailable(name: string, port: number): Promise<boolean> {
  const up = await isListening(port);
  if (up) return true;
  const message = `${name} is not answering on 127.0.0.1:${port}`;
  if (process.env.REQUIRE_SERVICES === "1")
    throw new Error(`${message}, and REQUIRE_SERVICES=1 forbids skipping`);
  const pkg = name === "Redis" ? "redis-server" : "postgresql";
  // Written past the test runner's console capture, which hides the output of passing tests:
  // a skip must be seen.
  process.stderr.write(
    `\n!!! SKIPPING ${name} tests: ${message}. Install and start it (apt-get install -y ${pkg}) to run them.\n\n`,
  );
  return false;
}

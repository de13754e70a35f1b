import type { Worker } from "node:worker_threads";

/**
 * The next message of `type` from a bench's helper thread (a feed server). A thread that dies
 * fails the wait: a promise left pending with nothing else to run ends the process with exit
 * code 13 and no output.
 */
export function nextMessage<T>(worker: Worker, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => {
      done();
      reject(new Error(`feed server worker exited (code ${code}) while waiting for "${type}"`));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onMessage = (msg: { type: string }) => {
      if (msg.type !== type) return;
      done();
      resolve(msg as T);
    };
    const done = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

// Run from source (npm start, tests, benches), a piscina worker cannot load TypeScript on its
// own: Node 20 does not hand the main thread's tsx loader to worker threads. This loads it here.
import { tsImport } from "tsx/esm/api";

const worker = await tsImport("./processor-worker.ts", import.meta.url);

export const { warm, parse, tag, fault } = worker;

/**
 * What every entry point (`npm start`, `npm run start:sharded`) does before anything else: read
 * .env and the environment once, and end with one clear line when the configuration is wrong.
 */
import { config as loadDotenv } from "dotenv";
import { scrubStorageSecrets } from "../store/url-secrets.js";
import { ConfigError, type EnvConfig, loadEnvConfig } from "./env.js";

/** Exits with `error: <message>`; a driver's error quoted here never carries the password. */
export function failStartup(message: string): never {
  const url = process.env.STORAGE_URL?.trim();
  process.stderr.write(`error: ${url ? scrubStorageSecrets(message, url) : message}\n`);
  process.exit(1);
}

/** The validated configuration, `check` included; a ConfigError ends the process. */
export function loadConfigOrExit(check: (config: EnvConfig) => void = () => {}): EnvConfig {
  loadDotenv({ quiet: true });
  try {
    const config = loadEnvConfig(process.env);
    check(config);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) failStartup(`bad configuration: ${error.message}`);
    throw error;
  }
}

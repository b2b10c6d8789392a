import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an external tool (openssl, keytool, unzip) and returns its exit code and output. */
export function runTool(command: string, args: string[]): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          // The tool could not start at all (not installed): a setup problem, not a result.
          reject(new Error(`cannot run ${command}: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs a tool that must succeed; the failure message carries its stderr. */
export async function mustRun(command: string, args: string[]): Promise<string> {
  const result = await runTool(command, args);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.code}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout + result.stderr;
}

/** A temporary folder for files handed to external tools. */
export interface WorkDir {
  path(name: string): string;
  write(name: string, content: string | Uint8Array): string;
  read(name: string): Buffer;
  remove(): void;
}

export function createWorkDir(): WorkDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), "certsmith-pki-"));
  return {
    path: (name) => path.join(dir, name),
    write(name, content) {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      return file;
    },
    read: (name) => readFileSync(path.join(dir, name)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

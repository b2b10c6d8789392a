import { SETTINGS } from "../config/settings.js";

export const COMMANDS = {
  serve: "Run the server: HTTP API and background workers (the default command).",
  migrate: "Apply pending database migrations, then exit.",
  setup:
    "First-run setup without the web wizard: --username NAME --password-file FILE [--organization NAME] [--project NAME].",
  version: "Print the version.",
  help: "Show this help.",
} as const;

export type CommandName = keyof typeof COMMANDS;

function settingsTable(): string {
  return Object.values(SETTINGS)
    .map((s) => `  --${s.flag} VALUE`.padEnd(34) + `${s.env}\n${" ".repeat(34)}${s.description}`)
    .join("\n");
}

export function usage(command?: CommandName): string {
  if (command === "version" || command === "help") {
    return `usage: certsmith ${command}\n\n${COMMANDS[command]}\n`;
  }
  const head =
    command === undefined
      ? `usage: certsmith [COMMAND] [OPTIONS]\n\nCommands:\n${Object.entries(COMMANDS)
          .map(([name, text]) => `  ${name.padEnd(10)}${text}`)
          .join("\n")}\n\nRun "certsmith COMMAND --help" for a command's options.\n`
      : `usage: certsmith ${command} [OPTIONS]\n\n${COMMANDS[command]}\n`;
  if (command === undefined) return head;
  return `${head}
Options (flags win over environment variables, which win over the config file):
  --config FILE                   CERTSMITH_CONFIG
                                  JSON file with settings by key (e.g. {"port": 8443}).
${settingsTable()}
  -h, --help                      Show this help.
`;
}

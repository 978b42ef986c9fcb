import "reflect-metadata";
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config";
import { MatGraphError } from "../errors";
import { log } from "../logger";
import { registerImportCommands } from "./import.command";
import { registerIngestCommands } from "./ingest.command";
import { registerInfoCommands } from "./info.command";
import { registerFemCommands } from "./fem.command";
import { registerMdCommands } from "./md.command";
import { registerMicroCommands } from "./micro.command";
import { registerMlCommands } from "./ml.command";
import { registerServeCommands } from "./serve.command";
import { registerTransferCommands } from "./transfer.command";

export function createProgram(): Command {
  const program = new Command("matgraph")
    .description("MatGraph: one GraphQL API over AFLOW, OQMD, JARVIS-DFT and Materials Project, with simulation and ML")
    .showHelpAfterError();
  registerServeCommands(program);
  registerImportCommands(program);
  registerInfoCommands(program);
  registerIngestCommands(program);
  registerMdCommands(program);
  registerFemCommands(program);
  registerMicroCommands(program);
  registerMlCommands(program);
  registerTransferCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    if (error instanceof MatGraphError || error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(2);
    }
    log.error("command failed", error);
    process.exit(1);
  }
}

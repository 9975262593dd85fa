package dev.switchboard.cli;

import dev.switchboard.config.ConfigException;
import picocli.CommandLine;

/**
 * Bad input is the user's to fix: one line naming the field or line, exit code 2, no stack trace.
 * Anything else is a bug and keeps its stack trace.
 */
final class BadInputHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception e, CommandLine cli, CommandLine.ParseResult parseResult) throws Exception {
    if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
      cli.getErr().println("error: " + e.getMessage());
      return Main.BAD_INPUT;
    }
    throw e;
  }
}

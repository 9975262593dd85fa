package dev.switchboard.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a command's results go besides the table on standard output, and whether it shows progress. */
final class OutputOptions {
  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path json;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  /** Whether to show a progress bar: not with {@code --quiet}, and only on a terminal. */
  boolean progressShown() {
    return ProgressBars.shown(quiet);
  }

  /** Writes the results as JSON when {@code --json} was given, and says where. */
  void writeJson(JsonWriter writer) throws IOException {
    if (json != null) {
      writer.write(json);
      System.out.println("JSON written to " + json);
    }
  }

  /** Writes one command's results to a file. */
  interface JsonWriter {
    void write(Path file) throws IOException;
  }
}

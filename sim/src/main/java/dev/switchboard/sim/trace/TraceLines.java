package dev.switchboard.sim.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The non-blank lines of a trace file, with the line number each error must name. */
final class TraceLines implements AutoCloseable {
  private final String file;
  private final BufferedReader in;
  private long lineNumber;
  private boolean closed;

  TraceLines(Path path) {
    this.file = path.toString();
    try {
      this.in = Files.newBufferedReader(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TraceException(file, "trace file not found", e);
    } catch (IOException e) {
      throw new TraceException(file, "cannot open trace: " + e, e);
    }
  }

  /**
   * The next line that is not blank (BufferedReader strips {@code \n} and {@code \r\n}), or null.
   */
  String next() {
    if (closed) {
      return null;
    }
    try {
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          return null;
        }
        lineNumber++;
      } while (line.isBlank());
      return line;
    } catch (IOException e) {
      throw new TraceException(file + ":" + (lineNumber + 1), "cannot read trace: " + e, e);
    }
  }

  /** An error at the line last returned (line 1 for an empty file). */
  TraceException error(String problem) {
    return new TraceException(file + ":" + Math.max(1, lineNumber), problem);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      in.close();
    } catch (IOException e) {
      // Only read from: nothing was lost, so a failing close is not worth failing the run.
    }
  }
}

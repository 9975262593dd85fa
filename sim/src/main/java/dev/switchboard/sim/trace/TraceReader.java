package dev.switchboard.sim.trace;

import java.nio.file.Path;

/**
 * Reads a trace one record at a time, so a trace of millions of requests is never held in memory.
 * Records come in non-decreasing offset order; a line that breaks that is an error. Errors are
 * {@link TraceException}s located at {@code FILE:LINE}.
 */
public interface TraceReader extends AutoCloseable {

  /** The next record, or {@code null} at the end of the trace. */
  TraceRecord next();

  @Override
  void close();

  /** Opens {@code path} in {@code format}; fails with the path when the file cannot be read. */
  static TraceReader open(Path path, TraceFormat format) {
    return switch (format) {
      case AZURE -> new AzureCsvReader(path);
      case MOONCAKE -> new MooncakeJsonlReader(path);
    };
  }
}

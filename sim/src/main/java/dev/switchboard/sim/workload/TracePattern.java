package dev.switchboard.sim.workload;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Node;
import dev.switchboard.sim.trace.TraceFormat;
import dev.switchboard.sim.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * {@code type: trace}: a trace file ({@code path}, which may come later from the command line), its
 * {@code format}, {@code speedup} and {@code rate_scale}.
 *
 * @param path the trace file, or null until the command line gives one
 * @param format the file's layout, or null to tell it from the file name
 * @param root where the {@code workload:} section is, for errors
 */
record TracePattern(Path path, TraceFormat format, double speedup, double rateScale, String root)
    implements ArrivalPattern {
  static final String[] FIELDS = {"path", "format", "speedup", "rate_scale", "max_requests"};
  private static final double MAX_RATE_SCALE = 1000;

  static TracePattern parse(Node workload) {
    Path path = null;
    if (workload.has("path")) {
      String text = workload.string("path");
      try {
        path = Path.of(text);
      } catch (InvalidPathException e) {
        throw workload.error("path", "not a valid file path: " + e.getMessage());
      }
    }
    TraceFormat format = null;
    if (workload.has("format")) {
      try {
        format = TraceFormat.fromName(workload.string("format"));
      } catch (IllegalArgumentException e) {
        throw workload.error("format", e.getMessage());
      }
    }
    double speedup = workload.positive("speedup", 1);
    double rateScale = workload.positive("rate_scale", 1);
    if (rateScale > MAX_RATE_SCALE) {
      throw workload.error(
          "rate_scale", "must be at most " + (int) MAX_RATE_SCALE + ", was " + rateScale);
    }
    return new TracePattern(path, format, speedup, rateScale, workload.path());
  }

  TracePattern withPath(Path newPath) {
    return new TracePattern(newPath, format, speedup, rateScale, root);
  }

  TracePattern withSpeedup(double newSpeedup) {
    if (!(newSpeedup > 0) || Double.isInfinite(newSpeedup)) {
      throw new ConfigException(field("speedup"), "must be > 0, was " + newSpeedup);
    }
    return new TracePattern(path, format, newSpeedup, rateScale, root);
  }

  @Override
  public boolean endless() {
    return false;
  }

  @Override
  public Workload create(
      StopRule stop, ArrivalFactory factory, RandomStreams streams, double poolCapacityPerSecond) {
    if (path == null) {
      throw new ConfigException(
          field("path"), "no trace given: set " + field("path") + " or pass --trace FILE");
    }
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(field("path"), "trace file not found: " + path);
    }
    TraceFormat f;
    try {
      f = format != null ? format : TraceFormat.guess(path);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(field("format"), e.getMessage());
    }
    TraceReader reader = TraceReader.open(path, f);
    return new TraceWorkload(reader, speedup, rateScale, stop, factory, streams);
  }

  private String field(String name) {
    return root.isEmpty() ? name : root + "." + name;
  }
}

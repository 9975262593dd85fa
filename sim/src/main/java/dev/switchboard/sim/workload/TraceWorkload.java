package dev.switchboard.sim.workload;

import dev.switchboard.sim.trace.TraceReader;
import dev.switchboard.sim.trace.TraceRecord;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Replays a trace, read lazily: offsets divided by {@code speedup}; {@code rateScale} below 1 keeps
 * each record with that probability, above 1 adds copies of each record (floor(scale), plus one
 * with probability frac(scale)) spread uniformly between it and the next record, so a scaled trace
 * keeps its shape instead of gaining bursts of identical timestamps.
 */
public final class TraceWorkload implements Workload, AutoCloseable {
  private final TraceReader reader;
  private final double speedup;
  private final int wholeCopies;
  private final double extraCopyChance;
  private final StopRule stop;
  private final ArrivalFactory factory;
  private final SplittableRandom rnd;

  /** Times of the current record's copies, in order; the first is the record's own time. */
  private final long[] pending;

  private int pendingCount;
  private int pendingNext;
  private TraceRecord current;
  private TraceRecord upcoming;
  private long previousAt = -1;
  private boolean done;

  TraceWorkload(
      TraceReader reader,
      double speedup,
      double rateScale,
      StopRule stop,
      ArrivalFactory factory,
      RandomStreams streams) {
    if (!(speedup > 0) || !(rateScale > 0) || Double.isInfinite(rateScale)) {
      throw new IllegalArgumentException("speedup and rate scale must be > 0");
    }
    this.reader = reader;
    this.speedup = speedup;
    this.wholeCopies = (int) Math.floor(rateScale);
    this.extraCopyChance = rateScale - wholeCopies;
    this.stop = stop;
    this.factory = factory;
    this.rnd = streams.arrivals;
    this.pending = new long[wholeCopies + 1];
    this.upcoming = read(); // now, so a bad first line fails when the workload is created
  }

  @Override
  public Arrival next() {
    if (done) {
      return null;
    }
    while (pendingNext == pendingCount) {
      if (!advance()) {
        close();
        return null;
      }
    }
    long at = pending[pendingNext++];
    if (!stop.admits(factory.made(), at)) {
      close();
      return null;
    }
    return factory.replayed(
        at, current.promptTokens(), current.outputTokens(), current.blockHashes());
  }

  /** How many arrivals: unknown until the trace has been read. */
  @Override
  public long expectedCount() {
    return -1;
  }

  /** Stops reading and releases the file; a finished replay does this by itself. */
  @Override
  public void close() {
    done = true;
    reader.close();
  }

  /** Moves to the next record and lays out its copies; false at the end of the trace. */
  private boolean advance() {
    if (current != null) {
      previousAt = at(current);
    }
    current = upcoming;
    if (current == null) {
      return false;
    }
    upcoming = read();
    int copies = wholeCopies + (extraCopyChance > 0 && rnd.nextDouble() < extraCopyChance ? 1 : 0);
    pendingNext = 0;
    pendingCount = copies;
    if (copies == 0) {
      return true;
    }
    long at = at(current);
    pending[0] = at;
    if (copies > 1) {
      long window = spreadWindow(at);
      for (int i = 1; i < copies; i++) {
        pending[i] = at + (long) (rnd.nextDouble() * window);
      }
      Arrays.sort(pending, 1, copies);
    }
    return true;
  }

  /**
   * How far after {@code at} the extra copies may fall: up to the next record, or for the last
   * record as far as the gap before it.
   */
  private long spreadWindow(long at) {
    if (upcoming != null) {
      return at(upcoming) - at;
    }
    return previousAt < 0 ? 0 : at - previousAt;
  }

  /** The next record; on a bad line the file is closed before the error goes up. */
  private TraceRecord read() {
    try {
      return reader.next();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private long at(TraceRecord record) {
    return speedup == 1 ? record.offsetNanos() : Math.round(record.offsetNanos() / speedup);
  }
}

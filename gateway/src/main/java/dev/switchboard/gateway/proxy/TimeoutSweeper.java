package dev.switchboard.gateway.proxy;

import java.util.ArrayList;
import java.util.concurrent.TimeoutException;

/**
 * The first-byte and idle-stream timeouts of one event loop's requests, checked by one periodic
 * sweep instead of a timer per request: scheduling and cancelling two timers per request cost a
 * third of the proxy's throughput. A timeout fires up to one sweep interval late.
 *
 * <p>Used only from its event loop, so it needs no locks.
 */
final class TimeoutSweeper {
  /** What the sweeper needs of a request in flight: its try at a replica. */
  interface Watched {
    /** Finished: the sweeper forgets it. */
    boolean done();

    /** When the current try was sent, or -1 when no try is waiting for its answer. */
    long sentAt();

    /** When the last response bytes arrived, or -1 before the response began. */
    long lastActivity();

    /** Ends the current try with {@code cause}. */
    void timeOut(TimeoutException cause);
  }

  private final long firstByteNanos;
  private final long idleNanos;
  private final ArrayList<Watched> watched = new ArrayList<>();

  TimeoutSweeper(long firstByteMillis, long idleMillis) {
    this.firstByteNanos = firstByteMillis * 1_000_000L;
    this.idleNanos = idleMillis * 1_000_000L;
  }

  /** How often to sweep: a quarter of the shorter timeout, between 10 ms and 100 ms. */
  long intervalMillis() {
    long shorter = Math.min(firstByteNanos, idleNanos) / 1_000_000L;
    return Math.max(10, Math.min(100, shorter / 4));
  }

  void watch(Watched w) {
    watched.add(w);
  }

  int size() {
    return watched.size();
  }

  /** Times out what is overdue at {@code now} and forgets what is done. */
  void sweep(long now) {
    int n = watched.size();
    int kept = 0;
    for (int i = 0; i < n; i++) {
      Watched w = watched.get(i);
      if (w.done()) {
        continue;
      }
      long last = w.lastActivity();
      long sent = w.sentAt();
      if (last >= 0 && now - last > idleNanos) {
        w.timeOut(new TimeoutException("no data from the replica for " + idleNanos / 1_000_000 + " ms"));
      } else if (last < 0 && sent >= 0 && now - sent > firstByteNanos) {
        w.timeOut(new TimeoutException("no answer from the replica within " + firstByteNanos / 1_000_000 + " ms"));
      }
      watched.set(kept++, w);
    }
    for (int i = n - 1; i >= kept; i--) {
      watched.remove(i);
    }
  }
}

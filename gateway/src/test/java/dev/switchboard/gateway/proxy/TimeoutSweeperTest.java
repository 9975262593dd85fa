package dev.switchboard.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class TimeoutSweeperTest {
  private static final long MS = 1_000_000L;

  private static final class Request implements TimeoutSweeper.Watched {
    long sent = -1;
    long last = -1;
    boolean done;
    TimeoutException timedOut;

    @Override
    public boolean done() {
      return done;
    }

    @Override
    public long sentAt() {
      return sent;
    }

    @Override
    public long lastActivity() {
      return last;
    }

    @Override
    public void timeOut(TimeoutException cause) {
      timedOut = cause;
    }
  }

  private final TimeoutSweeper sweeper = new TimeoutSweeper(300, 1000);

  @Test
  void aTryWithoutAnswerTimesOutAfterTheFirstByteTimeout() {
    Request r = new Request();
    r.sent = 0;
    sweeper.watch(r);
    sweeper.sweep(299 * MS);
    assertThat(r.timedOut).isNull();
    sweeper.sweep(301 * MS);
    assertThat(r.timedOut).hasMessageContaining("within 300 ms");
  }

  @Test
  void aStreamTimesOutOnlyAfterTheIdleTimeoutWithoutData() {
    Request r = new Request();
    r.sent = 0;
    r.last = 200 * MS;
    sweeper.watch(r);
    sweeper.sweep(1100 * MS);
    assertThat(r.timedOut).as("data 900 ms ago").isNull();
    sweeper.sweep(1201 * MS);
    assertThat(r.timedOut).hasMessageContaining("1000 ms");
  }

  @Test
  void finishedRequestsAreForgottenAndNeverTimedOut() {
    Request done = new Request();
    done.sent = 0;
    done.done = true;
    Request waiting = new Request();
    sweeper.watch(done);
    sweeper.watch(waiting);
    sweeper.sweep(10_000 * MS);
    assertThat(done.timedOut).isNull();
    assertThat(waiting.timedOut).as("no try in flight").isNull();
    assertThat(sweeper.size()).isEqualTo(1);
  }

  @Test
  void theSweepIntervalIsAQuarterOfTheShorterTimeoutWithinBounds() {
    assertThat(new TimeoutSweeper(300, 1000).intervalMillis()).isEqualTo(75);
    assertThat(new TimeoutSweeper(60_000, 30_000).intervalMillis()).isEqualTo(100);
    assertThat(new TimeoutSweeper(20, 20).intervalMillis()).isEqualTo(10);
  }
}

package dev.switchboard.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventQueueTest {
  private final ManualClock clock = new ManualClock();
  private final EventQueue queue = new EventQueue(clock);
  private final List<String> fired = new ArrayList<>();

  private Event named(String name) {
    return new Event() {
      @Override
      protected void fire() {
        fired.add(name + "@" + clock.nanoTime());
      }
    };
  }

  @Test
  void eventsFireInTimeOrderAndMoveTheClock() {
    queue.schedule(named("c"), 30);
    queue.schedule(named("a"), 10);
    queue.schedule(named("b"), 20);
    queue.run();
    assertThat(fired).containsExactly("a@10", "b@20", "c@30");
    assertThat(clock.nanoTime()).isEqualTo(30);
    assertThat(queue.fired()).isEqualTo(3);
  }

  @Test
  void simultaneousEventsFireInTheOrderTheyWereScheduled() {
    for (int i = 0; i < 50; i++) {
      queue.schedule(named("e" + i), 5);
    }
    queue.run();
    for (int i = 0; i < 50; i++) {
      assertThat(fired.get(i)).isEqualTo("e" + i + "@5");
    }
  }

  @Test
  void aCancelledEventNeverFiresAndCanBeScheduledAgain() {
    Event x = named("x");
    queue.schedule(named("a"), 10);
    queue.schedule(x, 20);
    queue.schedule(named("b"), 30);
    queue.cancel(x);
    assertThat(x.isScheduled()).isFalse();
    queue.run();
    assertThat(fired).containsExactly("a@10", "b@30");
    queue.schedule(x, 40);
    queue.run();
    assertThat(fired).endsWith("x@40");
  }

  @Test
  void theHeapStaysOrderedUnderRandomSchedulingAndCancelling() {
    SplittableRandom rnd = new SplittableRandom(3);
    List<Long> times = new ArrayList<>();
    List<Event> live = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      long t = rnd.nextLong(1_000_000);
      Event e =
          new Event() {
            @Override
            protected void fire() {
              times.add(clock.nanoTime());
            }
          };
      queue.schedule(e, t);
      live.add(e);
      if (rnd.nextInt(4) == 0) {
        queue.cancel(live.remove(rnd.nextInt(live.size())));
      }
    }
    int expected = queue.size();
    queue.run();
    assertThat(times).hasSize(expected).isSorted();
  }

  @Test
  void schedulingInThePastOrTwiceIsRefused() {
    clock.setNanos(100);
    assertThatThrownBy(() -> queue.schedule(named("late"), 99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("past");
    Event e = named("e");
    queue.schedule(e, 200);
    assertThatThrownBy(() -> queue.schedule(e, 300)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void cancelAllTakesOutTheChosenEventsInTheOrderTheyWouldHaveFiredAndLeavesTheRest() {
    List<Event> chosen = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 200; i++) {
      Event e = named("e" + i);
      queue.schedule(e, random.nextInt(50));
      if (i % 3 == 0) {
        chosen.add(e);
      }
    }
    List<Event> cancelled = queue.cancelAll(chosen::contains);
    assertThat(cancelled).containsExactlyInAnyOrderElementsOf(chosen).noneMatch(Event::isScheduled);
    for (int i = 1; i < cancelled.size(); i++) {
      assertThat(cancelled.get(i).time()).isGreaterThanOrEqualTo(cancelled.get(i - 1).time());
    }
    queue.run();
    assertThat(fired).hasSize(200 - chosen.size()).noneMatch(f -> Integer.parseInt(f.substring(1, f.indexOf('@'))) % 3 == 0);
  }
}

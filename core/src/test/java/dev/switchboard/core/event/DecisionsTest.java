package dev.switchboard.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionsTest {
  private final Decisions decisions = new Decisions();
  private final DecisionEvent event = new ReplicaLeft(5, "p", "r", "gone");

  @Test
  void isInactiveUntilSomeoneListens() {
    assertThat(decisions.active()).isFalse();

    DecisionListener l = e -> {};
    decisions.subscribe(l);
    assertThat(decisions.active()).isTrue();

    decisions.unsubscribe(l);
    assertThat(decisions.active()).isFalse();
  }

  @Test
  void everyListenerHearsEveryEventInSubscriptionOrder() {
    List<String> heard = new ArrayList<>();
    decisions.subscribe(e -> heard.add("first " + e.atNanos()));
    decisions.subscribe(e -> heard.add("second " + e.atNanos()));

    decisions.publish(event);

    assertThat(heard).containsExactly("first 5", "second 5");
  }

  @Test
  void aListenerThatThrowsDoesNotKeepTheOthersFromHearing() {
    List<DecisionEvent> heard = new ArrayList<>();
    decisions.subscribe(e -> {
      throw new IllegalStateException("broken exporter");
    });
    decisions.subscribe(heard::add);

    decisions.publish(event);

    assertThat(heard).containsExactly(event);
  }
}

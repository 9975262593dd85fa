package dev.switchboard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryBucketStoreTest {
  private final ManualClock clock = new ManualClock();
  private final InMemoryBucketStore store = new InMemoryBucketStore(clock);

  private boolean take(String name, long tokens) {
    return store.bucket(name, new BucketSpec(60)).tryConsume(tokens).toCompletableFuture().join().isConsumed();
  }

  @Test
  void theSameNameIsTheSameBucket() {
    assertThat(take("a", 60)).isTrue();
    assertThat(take("a", 1)).isFalse();
    assertThat(take("b", 60)).isTrue();
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void bucketsRefillOnTheInjectedClock() {
    take("a", 60);
    clock.advance(Duration.ofSeconds(30));
    assertThat(take("a", 30)).isTrue();
    assertThat(take("a", 1)).isFalse();
  }

  @Test
  void aRefundNeverFillsBeyondCapacity() {
    TokenBucket bucket = store.bucket("a", new BucketSpec(60));
    bucket.refund(1000);
    assertThat(take("a", 60)).isTrue();
    assertThat(take("a", 1)).isFalse();
  }
}

package dev.switchboard.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.ratelimit.LimitedBy;
import dev.switchboard.core.ratelimit.RateDecision;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  @Test
  void numbersAreWrittenInDecimal() {
    for (long n : new long[] {0, 7, 10, 99, 100, 12_345, 60_000_000_000L, Long.MAX_VALUE}) {
      assertThat(RateLimitHeaders.number(n).toString()).isEqualTo(Long.toString(n));
    }
    assertThatThrownBy(() -> RateLimitHeaders.number(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void durationsAreWrittenTheWayOpenAiWritesThem() {
    assertThat(RateLimitHeaders.duration(0)).isEqualTo("0ms");
    assertThat(RateLimitHeaders.duration(1)).as("rounded up to the millisecond").isEqualTo("1ms");
    assertThat(RateLimitHeaders.duration(Duration.ofMillis(20).toNanos())).isEqualTo("20ms");
    assertThat(RateLimitHeaders.duration(Duration.ofMillis(1500).toNanos())).isEqualTo("1.5s");
    assertThat(RateLimitHeaders.duration(Duration.ofSeconds(2).toNanos())).isEqualTo("2s");
    assertThat(RateLimitHeaders.duration(Duration.ofMinutes(6).toNanos())).isEqualTo("6m0s");
  }

  @Test
  void anAdmittedRequestGetsBothDimensionsAsAsciiValues() {
    HttpHeaders h = new DefaultHttpHeaders();
    RateLimitHeaders.forEach(
        new RateDecision(
            RateDecision.Outcome.ALLOWED, LimitedBy.NONE, 0, 60, 59, Duration.ofSeconds(1).toNanos(), 1000, 700,
            Duration.ofSeconds(18).toNanos()),
        h::set);
    assertThat(h.get(RateLimitHeaders.LIMIT_REQUESTS)).isEqualTo("60");
    assertThat(h.get(RateLimitHeaders.REMAINING_REQUESTS)).isEqualTo("59");
    assertThat(h.get(RateLimitHeaders.RESET_REQUESTS)).isEqualTo("1s");
    assertThat(h.get(RateLimitHeaders.LIMIT_TOKENS)).isEqualTo("1000");
    assertThat(h.get(RateLimitHeaders.REMAINING_TOKENS)).isEqualTo("700");
    assertThat(h.get(RateLimitHeaders.RESET_TOKENS)).isEqualTo("18s");
    // An AsciiString value is copied into the head whole; a String a character at a time.
    h.iteratorCharSequence().forEachRemaining(e -> assertThat(e.getValue()).isInstanceOf(AsciiString.class));
  }

  @Test
  void aDimensionWithoutALimitGetsNoHeaders() {
    HttpHeaders h = new DefaultHttpHeaders();
    RateLimitHeaders.forEach(new RateDecision(RateDecision.Outcome.ALLOWED, LimitedBy.NONE, 0, 60, 10, 5, 0, 0, 0), h::set);
    assertThat(h.names()).containsExactlyInAnyOrder("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests");
  }

  @Test
  void retryAfterIsInWholeSecondsRoundedUpAndInMilliseconds() {
    HttpHeaders h = new DefaultHttpHeaders();
    RateLimitHeaders.addRetryAfter(h, Duration.ofMillis(1200).toNanos());
    assertThat(h.get(RateLimitHeaders.RETRY_AFTER)).isEqualTo("2");
    assertThat(h.get(RateLimitHeaders.RETRY_AFTER_MS)).isEqualTo("1200");
  }
}

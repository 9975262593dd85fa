package dev.switchboard.gateway.ratelimit;

import dev.switchboard.core.ratelimit.RateDecision;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * OpenAI's rate-limit headers from a decision: {@code x-ratelimit-limit-requests},
 * {@code -remaining-requests}, {@code -reset-requests} and the same for tokens; and on a 429,
 * {@code retry-after} (whole seconds, rounded up) and {@code retry-after-ms}.
 */
public final class RateLimitHeaders {
  // AsciiString names: their case-insensitive hash is computed once, not on every response.
  public static final AsciiString LIMIT_REQUESTS = AsciiString.cached("x-ratelimit-limit-requests");
  public static final AsciiString REMAINING_REQUESTS = AsciiString.cached("x-ratelimit-remaining-requests");
  public static final AsciiString RESET_REQUESTS = AsciiString.cached("x-ratelimit-reset-requests");
  public static final AsciiString LIMIT_TOKENS = AsciiString.cached("x-ratelimit-limit-tokens");
  public static final AsciiString REMAINING_TOKENS = AsciiString.cached("x-ratelimit-remaining-tokens");
  public static final AsciiString RESET_TOKENS = AsciiString.cached("x-ratelimit-reset-tokens");
  public static final AsciiString RETRY_AFTER = AsciiString.cached("retry-after");
  public static final AsciiString RETRY_AFTER_MS = AsciiString.cached("retry-after-ms");

  private RateLimitHeaders() {}

  /**
   * Gives {@code sink} each header of a decision, name and value. Values are {@link AsciiString}s,
   * whose bytes are copied into a head in one go rather than a character at a time.
   */
  public static void forEach(RateDecision d, BiConsumer<AsciiString, CharSequence> sink) {
    if (d.hasRequestLimit()) {
      sink.accept(LIMIT_REQUESTS, number(d.limitRequests()));
      sink.accept(REMAINING_REQUESTS, number(Math.max(0, d.remainingRequests())));
      sink.accept(RESET_REQUESTS, new AsciiString(duration(d.resetRequestsNanos())));
    }
    if (d.hasTokenLimit()) {
      sink.accept(LIMIT_TOKENS, number(d.limitTokens()));
      sink.accept(REMAINING_TOKENS, number(Math.max(0, d.remainingTokens())));
      sink.accept(RESET_TOKENS, new AsciiString(duration(d.resetTokensNanos())));
    }
  }

  /** {@code retry-after} and {@code retry-after-ms} for a refused request. */
  public static void addRetryAfter(HttpHeaders headers, long retryAfterNanos) {
    long ms = Math.max(1, (retryAfterNanos + 999_999) / 1_000_000);
    headers.set(RETRY_AFTER, number((ms + 999) / 1000));
    headers.set(RETRY_AFTER_MS, number(ms));
  }

  /** The decimal digits of {@code n} >= 0, written straight into the bytes of an AsciiString. */
  static AsciiString number(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a header number must be >= 0, was " + n);
    }
    int digits = 1;
    for (long rest = n / 10; rest > 0; rest /= 10) {
      digits++;
    }
    byte[] bytes = new byte[digits];
    long rest = n;
    for (int i = digits - 1; i >= 0; i--) {
      bytes[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    return new AsciiString(bytes, false);
  }

  /** A duration as OpenAI writes it: {@code 20ms}, {@code 1.5s}, {@code 6m0s}. */
  static String duration(long nanos) {
    long ms = Math.max(0, (nanos + 999_999) / 1_000_000);
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      double s = ms / 1000.0;
      return (s == Math.rint(s) ? Long.toString((long) s) : String.format(Locale.ROOT, "%.3f", s).replaceAll("0+$", "")) + "s";
    }
    long totalSeconds = (ms + 999) / 1000;
    return (totalSeconds / 60) + "m" + (totalSeconds % 60) + "s";
  }
}

package dev.switchboard.gateway.ratelimit;

import dev.switchboard.core.ratelimit.RateDecision;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Locale;

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

  public static void add(HttpHeaders headers, RateDecision d) {
    if (d.hasRequestLimit()) {
      headers.set(LIMIT_REQUESTS, Long.toString(d.limitRequests()));
      headers.set(REMAINING_REQUESTS, Long.toString(Math.max(0, d.remainingRequests())));
      headers.set(RESET_REQUESTS, duration(d.resetRequestsNanos()));
    }
    if (d.hasTokenLimit()) {
      headers.set(LIMIT_TOKENS, Long.toString(d.limitTokens()));
      headers.set(REMAINING_TOKENS, Long.toString(Math.max(0, d.remainingTokens())));
      headers.set(RESET_TOKENS, duration(d.resetTokensNanos()));
    }
  }

  /** {@code retry-after} and {@code retry-after-ms} for a refused request. */
  public static void addRetryAfter(HttpHeaders headers, long retryAfterNanos) {
    long ms = Math.max(1, (retryAfterNanos + 999_999) / 1_000_000);
    headers.set(RETRY_AFTER, Long.toString((ms + 999) / 1000));
    headers.set(RETRY_AFTER_MS, Long.toString(ms));
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

package dev.switchboard.gateway.ratelimit;

import dev.switchboard.core.ratelimit.RateDecision;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;

/**
 * OpenAI's rate-limit headers from a decision: {@code x-ratelimit-limit-requests},
 * {@code -remaining-requests}, {@code -reset-requests} and the same for tokens; and on a 429,
 * {@code retry-after} (whole seconds, rounded up) and {@code retry-after-ms}.
 */
public final class RateLimitHeaders {
  private RateLimitHeaders() {}

  public static void add(HttpHeaders headers, RateDecision d) {
    if (d.hasRequestLimit()) {
      headers.set("x-ratelimit-limit-requests", Long.toString(d.limitRequests()));
      headers.set("x-ratelimit-remaining-requests", Long.toString(Math.max(0, d.remainingRequests())));
      headers.set("x-ratelimit-reset-requests", duration(d.resetRequestsNanos()));
    }
    if (d.hasTokenLimit()) {
      headers.set("x-ratelimit-limit-tokens", Long.toString(d.limitTokens()));
      headers.set("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, d.remainingTokens())));
      headers.set("x-ratelimit-reset-tokens", duration(d.resetTokensNanos()));
    }
  }

  /** {@code retry-after} and {@code retry-after-ms} for a refused request. */
  public static void addRetryAfter(HttpHeaders headers, long retryAfterNanos) {
    long ms = Math.max(1, (retryAfterNanos + 999_999) / 1_000_000);
    headers.set("retry-after", Long.toString((ms + 999) / 1000));
    headers.set("retry-after-ms", Long.toString(ms));
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

package dev.switchboard.core.request;

import java.util.Objects;

/**
 * The few facts about a request that policies may use: which model, how large, who sent it. The
 * body itself never reaches a policy.
 *
 * @param model the model or adapter name the request asked for
 * @param promptTokens prompt length in tokens (estimated live, exact in the simulator); 0 if unknown
 * @param maxTokens the output budget ({@code max_tokens}); 0 if unknown
 * @param tenant who pays for it (from the API key)
 * @param tier the tenant's service tier, e.g. {@code vip}, {@code standard}, {@code free}
 */
public record RequestInfo(String model, int promptTokens, int maxTokens, String tenant, String tier) {

  /** A request nothing is known about, for policies that need nothing. */
  public static final RequestInfo UNKNOWN = new RequestInfo("", 0, 0, "", "");

  public RequestInfo {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(tier, "tier");
    if (promptTokens < 0) {
      throw new IllegalArgumentException("promptTokens must be >= 0, was " + promptTokens);
    }
    if (maxTokens < 0) {
      throw new IllegalArgumentException("maxTokens must be >= 0, was " + maxTokens);
    }
  }
}

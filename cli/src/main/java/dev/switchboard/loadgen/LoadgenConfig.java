package dev.switchboard.loadgen;

import dev.switchboard.config.ConfigException;
import java.time.Duration;
import java.util.List;

/**
 * How loadgen sends: where, as which model, with which keys, how many at once, how long to wait.
 *
 * @param maxTokens {@code max_tokens} for every request, or 0 to use each arrival's output size
 * @param concurrencyLimit most requests outstanding at once; arrivals over it are dropped, counted
 * @param connections the keep-alive pool's size; requests over it queue in the client, on the clock
 * @param timeout a request unanswered this long after its scheduled send time is cancelled
 * @param tiers the workload's tiers, reported in this order even when they get no traffic
 */
public record LoadgenConfig(
    Target target,
    String model,
    boolean stream,
    ApiKeys keys,
    int maxTokens,
    int concurrencyLimit,
    int connections,
    Duration timeout,
    List<String> tiers) {

  public LoadgenConfig {
    if (model == null || model.isBlank()) {
      throw new ConfigException("--model", "must not be empty");
    }
    if (maxTokens < 0) {
      throw new ConfigException("--max-tokens", "must be >= 1, was " + maxTokens);
    }
    if (concurrencyLimit < 1) {
      throw new ConfigException(
          "--concurrency-limit", "must be >= 1, was " + concurrencyLimit);
    }
    if (connections < 1) {
      throw new ConfigException("--connections", "must be >= 1, was " + connections);
    }
    if (timeout.toMillis() < 1) {
      throw new ConfigException("--timeout", "must be at least 1ms, was " + timeout);
    }
    tiers = List.copyOf(tiers);
  }
}

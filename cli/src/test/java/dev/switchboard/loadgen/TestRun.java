package dev.switchboard.loadgen;

import java.time.Duration;
import java.util.List;

/** Settings for one load-generator run in a test, with small fast defaults. */
final class TestRun {
  String url;
  double rate = 200;
  long requests = 20;
  boolean stream;
  List<String> keys = List.of();
  String mix;
  int connections = 256;
  int concurrencyLimit = 10_000;
  Duration timeout = Duration.ofSeconds(10);
  Integer promptTokens;
  Integer maxTokens;
  long seed = 1;

  TestRun(String url) {
    this.url = url;
  }

  LoadgenResult run() throws InterruptedException {
    ApiKeys apiKeys = ApiKeys.parse(keys);
    LoadgenWorkload plan =
        LoadgenWorkload.from(
            new LoadgenWorkload.Options(
                null, rate, requests, null, promptTokens, maxTokens,
                mix == null ? null : TierShares.parse(mix), apiKeys.tiers(), null, null, seed));
    apiKeys.checkCovers(plan.tierNames());
    LoadgenConfig config =
        new LoadgenConfig(
            Target.parse(url), "test-model", stream, apiKeys, maxTokens == null ? 0 : maxTokens,
            concurrencyLimit, connections, timeout, plan.tierNames());
    return new LoadGenerator(config).run(plan.create(), LoadgenProgress.NONE);
  }
}

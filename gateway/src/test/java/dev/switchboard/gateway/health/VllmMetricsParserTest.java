package dev.switchboard.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.replica.LoadReport;
import org.junit.jupiter.api.Test;

class VllmMetricsParserTest {
  private static final long AT = 42L;

  /** Trimmed from a real vLLM 0.9 page: help, types, histograms and counters around our three. */
  private static final String VLLM_PAGE =
      """
      # HELP vllm:num_requests_running Number of requests in model execution batches.
      # TYPE vllm:num_requests_running gauge
      vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 7.0
      # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
      # TYPE vllm:num_requests_waiting gauge
      vllm:num_requests_waiting{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0
      # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
      # TYPE vllm:kv_cache_usage_perc gauge
      vllm:kv_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.4375
      # TYPE vllm:num_requests_waiting_total counter
      vllm:num_requests_waiting_total{model_name="x"} 999.0
      vllm:time_to_first_token_seconds_bucket{le="0.001",model_name="x"} 12.0
      process_resident_memory_bytes 1.2345e+09
      """;

  @Test
  void readsTheThreeFiguresFromARealPage() {
    assertThat(VllmMetricsParser.parse(VLLM_PAGE, AT)).contains(new LoadReport(3, 7, 0.4375, AT));
  }

  @Test
  void sumsCountsAndTakesTheLargestCacheUsageAcrossLabelSets() {
    String page =
        """
        vllm:num_requests_waiting{model_name="a"} 2
        vllm:num_requests_waiting{model_name="b"} 5
        vllm:num_requests_running{model_name="a"} 1
        vllm:num_requests_running{model_name="b"} 4
        vllm:kv_cache_usage_perc{model_name="a"} 0.25
        vllm:kv_cache_usage_perc{model_name="b"} 0.75
        """;

    assertThat(VllmMetricsParser.parse(page, AT)).contains(new LoadReport(7, 5, 0.75, AT));
  }

  @Test
  void labelValuesMayHoldEscapedQuotesBracesAndSpaces() {
    String page =
        """
        vllm:num_requests_waiting{model_name="a \\"quoted} 99\\" \\\\ name",x="y"} 3
        vllm:num_requests_running{model_name="tab\\tand\\nnewline, {braces}"} 2
        """;

    assertThat(VllmMetricsParser.parse(page, AT)).contains(new LoadReport(3, 2, 0.0, AT));
  }

  @Test
  void acceptsUnlabelledSamplesExponentsTimestampsAndWindowsLineEnds() {
    String page =
        "vllm:num_requests_waiting 1.2e1 1700000000000\r\n"
            + "vllm:num_requests_running{} 3E0\r\n"
            + "vllm:kv_cache_usage_perc 5e-1\r\n";

    assertThat(VllmMetricsParser.parse(page, AT)).contains(new LoadReport(12, 3, 0.5, AT));
  }

  @Test
  void acceptsTheOlderGpuCacheName() {
    String page = "vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.9\n";

    assertThat(VllmMetricsParser.parse(page, AT)).contains(new LoadReport(0, 0, 0.9, AT));
  }

  @Test
  void missingMetricsCountAsZero() {
    String page = "vllm:num_requests_running{model_name=\"m\"} 2\n";

    assertThat(VllmMetricsParser.parse(page, AT)).contains(new LoadReport(0, 2, 0.0, AT));
  }

  @Test
  void aPageWithoutAnyVllmFigureGivesNoReport() {
    String page =
        """
        # HELP process_cpu_seconds_total CPU time.
        process_cpu_seconds_total 12.5
        vllm:num_requests_waiting_total 3
        """;

    assertThat(VllmMetricsParser.parse(page, AT)).isEmpty();
    assertThat(VllmMetricsParser.parse("", AT)).isEmpty();
  }

  @Test
  void skipsNanInfiniteAndNegativeSamples() {
    String page =
        """
        vllm:num_requests_waiting{model_name="a"} NaN
        vllm:num_requests_waiting{model_name="b"} 4
        vllm:num_requests_running{model_name="a"} +Inf
        vllm:num_requests_running{model_name="b"} -1
        vllm:kv_cache_usage_perc{model_name="a"} Nan
        vllm:kv_cache_usage_perc{model_name="b"} 0.5
        """;

    assertThat(VllmMetricsParser.parse(page, AT)).contains(new LoadReport(4, 0, 0.5, AT));
  }

  @Test
  void malformedLinesAreSkippedAndTheRestStillCounts() {
    String page =
        """
        vllm:num_requests_waiting{model_name="never closed} 100
        vllm:num_requests_waiting{model_name="a"}
        vllm:num_requests_waiting{model_name="a"} twelve
        vllm:num_requests_waiting5
        vllm:num_requests_running{model_name="a"} 6
        vllm:num_requests_waiting{model_name="b"} 1
        """;

    assertThat(VllmMetricsParser.parse(page, AT)).contains(new LoadReport(1, 6, 0.0, AT));
  }

  @Test
  void clampsCacheUsageAboveOneToFull() {
    String page = "vllm:kv_cache_usage_perc 1.0000001\n";

    assertThat(VllmMetricsParser.parse(page, AT)).contains(new LoadReport(0, 0, 1.0, AT));
  }
}

package dev.switchboard.replica;

import dev.switchboard.core.replica.LoadReport;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The replica's {@code /metrics}, under vLLM's names so that whatever scrapes vLLM scrapes this.
 *
 * <p>The names keep vLLM's {@code vllm:} prefix. Colons are legal in Prometheus metric names (they
 * are meant for recording rules, which is why most clients warn against them), and the Java client
 * 1.x accepts them as valid legacy names and writes them unchanged in the text format, so no
 * escaping or renaming is involved. Counters are registered under their full {@code _total} names;
 * the client strips the suffix internally and writes it back.
 *
 * <p>Each server has its own registry, so several replicas can share a JVM. A replica serves one
 * model, so each metric has one {@code model_name} data point, looked up once; exemplars are off,
 * as nothing here is traced and they would cost a lookup per token.
 */
final class ReplicaMetrics {
  /** vLLM's buckets (vllm/engine/metrics.py): TTFT from 1 ms to 2560 s. */
  private static final double[] TTFT_BUCKETS = {
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    20.0, 40.0, 80.0, 160.0, 640.0, 2560.0
  };
  /** Inter-token latency from 10 ms to 80 s. */
  private static final double[] ITL_BUCKETS = {
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0,
    40.0, 80.0
  };
  /** End-to-end latency from 0.3 s to 7680 s. */
  private static final double[] E2E_BUCKETS = {
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0,
    480.0, 960.0, 1920.0, 7680.0
  };
  private static final String LABEL = "model_name";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final GaugeDataPoint running;
  private final GaugeDataPoint waiting;
  private final GaugeDataPoint kvCacheUsage;
  private final CounterDataPoint promptTokens;
  private final CounterDataPoint generationTokens;
  private final CounterDataPoint requestSuccess;
  private final DistributionDataPoint timeToFirstToken;
  private final DistributionDataPoint interTokenLatency;
  private final DistributionDataPoint e2eLatency;

  ReplicaMetrics(String modelName) {
    running = gauge("vllm:num_requests_running", "Number of requests in model execution batches.", modelName);
    waiting = gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", modelName);
    kvCacheUsage = gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", modelName);
    promptTokens = counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", modelName);
    generationTokens = counter("vllm:generation_tokens_total", "Number of generation tokens processed.", modelName);
    requestSuccess = counter("vllm:request_success_total", "Count of successfully processed requests.", modelName);
    timeToFirstToken = histogram(
        "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS, modelName);
    interTokenLatency = histogram(
        "vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ITL_BUCKETS, modelName);
    e2eLatency = histogram(
        "vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", E2E_BUCKETS, modelName);
  }

  /** The prompt was prefilled and its first token is out, {@code nanos} after arrival. */
  void firstToken(int prompt, long nanos) {
    promptTokens.inc(prompt);
    generationTokens.inc();
    timeToFirstToken.observe(seconds(nanos));
  }

  /** A later token, {@code nanos} after the one before. */
  void nextToken(long nanos) {
    generationTokens.inc();
    interTokenLatency.observe(seconds(nanos));
  }

  /** {@code count} tokens came out together, with no latency between them worth recording. */
  void tokensAtOnce(int count) {
    generationTokens.inc(count);
  }

  /** A request finished, {@code nanos} after arrival. */
  void completed(long nanos) {
    requestSuccess.inc();
    e2eLatency.observe(seconds(nanos));
  }

  /** The exposition, with the gauges set from {@code load}. */
  byte[] scrape(LoadReport load) {
    running.set(load.running());
    waiting.set(load.waiting());
    kvCacheUsage.set(load.kvCacheUsage());
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  String contentType() {
    return writer.getContentType();
  }

  private GaugeDataPoint gauge(String name, String help, String model) {
    return Gauge.builder().name(name).help(help).labelNames(LABEL).withoutExemplars().register(registry)
        .labelValues(model);
  }

  private CounterDataPoint counter(String name, String help, String model) {
    return Counter.builder().name(name).help(help).labelNames(LABEL).withoutExemplars().register(registry)
        .labelValues(model);
  }

  private DistributionDataPoint histogram(String name, String help, double[] buckets, String model) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .labelNames(LABEL)
        .classicOnly()
        .classicUpperBounds(buckets)
        .withoutExemplars()
        .register(registry)
        .labelValues(model);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}

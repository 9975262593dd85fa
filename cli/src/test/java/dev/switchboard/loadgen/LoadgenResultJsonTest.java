package dev.switchboard.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadgenResultJsonTest {
  @TempDir Path dir;

  private static LoadgenResult sample() {
    LatencyRecorder rec = new LatencyRecorder(List.of("vip", "free"));
    rec.sent("vip", 30_000);
    rec.ok("vip", 20_000_000, 80_000_000, 12);
    rec.sent("free", 10_000);
    rec.error("free", "429");
    rec.dropped("free");
    return rec.result("http://127.0.0.1:9", 20, 1.0, 1.5);
  }

  @Test
  void writesTheDocumentedFields() throws Exception {
    Path file = dir.resolve("nested/out.json");
    LoadgenResultJson.write(sample(), file);
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    assertThat(root.get("url").asText()).isEqualTo("http://127.0.0.1:9");
    assertThat(root.get("offered_rate").asDouble()).isEqualTo(20.0);
    assertThat(root.get("achieved_rate").asDouble()).isEqualTo(2.0);
    assertThat(root.get("duration_s").asDouble()).isEqualTo(1.0);
    assertThat(root.get("sent").asLong()).isEqualTo(2);
    assertThat(root.get("ok").asLong()).isEqualTo(1);
    assertThat(root.get("dropped_by_loadgen").asLong()).isEqualTo(1);
    assertThat(root.get("errors").get("429").asLong()).isEqualTo(1);
    assertThat(root.get("tokens").asLong()).isEqualTo(12);
    for (String f : new String[] {"ttft_ms", "latency_ms", "send_lateness_ms"}) {
      for (String p : new String[] {"p50", "p95", "p99", "max"}) {
        assertThat(root.get(f).get(p).isNumber()).as(f + "." + p).isTrue();
      }
    }
    assertThat(root.get("latency_ms").get("p50").asDouble()).isBetween(79.0, 81.0);
    assertThat(root.get("send_lateness_ms").get("max").asDouble()).isBetween(0.029, 0.031);
    JsonNode vip = root.get("by_tier").get("vip");
    assertThat(vip.get("ok").asLong()).isEqualTo(1);
    assertThat(vip.get("ttft_ms").get("p99").asDouble()).isBetween(19.0, 21.0);
    assertThat(root.get("by_tier").fieldNames()).toIterable().containsExactly("vip", "free");
  }

  @Test
  void writesNullForTimesNothingWasMeasuredFor() throws Exception {
    JsonNode free =
        new ObjectMapper().readTree(LoadgenResultJson.toJson(sample())).get("by_tier").get("free");
    assertThat(free.get("latency_ms").get("p50").isNull()).isTrue();
    assertThat(free.get("errors").get("429").asLong()).isEqualTo(1);
  }

  @Test
  void tableShowsEachTierAllTrafficAndTheRates() {
    String table = LoadgenTable.render(sample());
    assertThat(table).contains("vip", "free", "all", "429:1", "ttft p99", "e2e p99");
    assertThat(table).contains("offered 20.0 req/s, achieved 2.0 req/s");
  }
}

package dev.switchboard.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.cli.Main;
import dev.switchboard.cli.StandardStreams;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LoadgenCommandTest {
  @TempDir Path dir;
  @RegisterExtension final StandardStreams std = new StandardStreams();

  @Test
  void runsAgainstAServerAndWritesTheTableAndJson() throws Exception {
    Path json = dir.resolve("r.json");
    try (FakeChatServer server = new FakeChatServer()) {
      server.limited = Set.of("Bearer k-free");
      int code =
          Main.run(
              "loadgen", "--url", server.url(), "--model", "m", "--rate", "300", "--requests", "30",
              "--key", "vip=k-vip", "--key", "free=k-free", "--mix", "vip=0.5,free=0.5", "--stream",
              "--json", json.toString(), "--quiet");
      assertThat(code).as(std.err()).isZero();
      assertThat(server.requests.get()).isEqualTo(30);
    }
    assertThat(std.out()).contains("vip", "free", "all", "offered 300.0 req/s");
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("sent").asLong()).isEqualTo(30);
    assertThat(root.get("ok").asLong() + root.get("errors").get("429").asLong()).isEqualTo(30);
    assertThat(root.get("by_tier").get("free").get("ok").asLong()).isZero();
    assertThat(root.get("by_tier").get("vip").get("ttft_ms").get("p50").isNumber()).isTrue();
  }

  @Test
  void aBadMixIsBadInputNamingTheOption() {
    int code =
        Main.run(
            "loadgen", "--url", "http://127.0.0.1:9", "--model", "m", "--rate", "5", "--requests",
            "5", "--mix", "vip=0,free=1");
    assertThat(code).isEqualTo(2);
    assertThat(std.err().strip()).isEqualTo("error: --mix: share for 'vip' must be > 0, was 0");
  }

  @Test
  void aKeyForATierOutsideTheMixIsBadInput() {
    int code =
        Main.run(
            "loadgen", "--url", "http://127.0.0.1:9", "--model", "m", "--rate", "5", "--requests",
            "5", "--mix", "vip=1", "--key", "gold=k");
    assertThat(code).isEqualTo(2);
    assertThat(std.err()).contains("--key: tier 'gold'");
  }

  @Test
  void aBadDurationIsAUsageErrorNamingTheOption() {
    int code =
        Main.run(
            "loadgen", "--url", "http://127.0.0.1:9", "--model", "m", "--rate", "5", "--duration",
            "soon");
    assertThat(code).isEqualTo(2);
    assertThat(std.err()).contains("--duration");
  }
}

package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigTest {
  private static final String POOL =
      "pools: [{name: p, models: [m], replicas: [{url: \"http://127.0.0.1:9001\"}]}]\n";

  private static GatewayConfig parse(String yaml) {
    return GatewayConfig.parse(Yaml.parse(yaml));
  }

  private static void assertError(String yaml, String where, String problem) {
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(where + ":")
        .hasMessageContaining(problem);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    GatewayConfig c = parse(POOL);
    assertThat(c.data()).isEqualTo(new GatewayConfig.Listener("127.0.0.1", 8080, true));
    assertThat(c.admin()).isEqualTo(new GatewayConfig.Listener("127.0.0.1", 8081, false));
    assertThat(c.pools().get(0).balancer()).isEqualTo("peak-ewma");
    assertThat(c.timeouts().firstByte()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.retries().maxAttempts()).isEqualTo(3);
    assertThat(c.limits().maxBodyBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(c.keys()).isEmpty();
    assertThat(c.admission()).isNull();
  }

  @Test
  void everyErrorNamesItsField() {
    assertError("pools: []\n", "pools", "at least one pool");
    assertError(POOL + "listen: {data: {port: 70000}}\n", "listen.data.port", "0..65535");
    assertError(POOL.replace("replicas:", "balancer: fastest, replicas:"), "pools[0].balancer", "unknown balancer 'fastest'");
    assertError(POOL.replace("http://127.0.0.1:9001", "127.0.0.1:9001"), "pools[0].replicas[0].url", "http://HOST:PORT");
    assertError(POOL.replace("http://127.0.0.1:9001", "http://127.0.0.1:9001/v1"), "pools[0].replicas[0].url", "no path");
    assertError(POOL + "keys: [{key: a, sha256: b, tenant: t}]\n", "keys[0]", "exactly one of sha256");
    assertError(POOL + "keys: [{sha256: abc, tenant: t}]\n", "keys[0].sha256", "64 hex digits");
    assertError(POOL + "keys: [{key: a, tenant: t}, {key: a, tenant: u}]\n", "keys[1]", "listed twice");
    assertError(POOL + "timeouts: {first_byte_ms: -1}\n", "timeouts.first_byte_ms", "> 0");
    assertError(POOL + "retries: {max_attempts: 11}\n", "retries.max_attempts", "<= 10");
    assertError(POOL + "health: {base_ejection_ms: 10, max_ejection_ms: 5}\n", "health.max_ejection_ms", ">= base_ejection_ms");
    assertError(POOL + "limits: {max_body_bytes: 0}\n", "limits.max_body_bytes", "> 0");
    assertError(POOL + "tymeouts: {}\n", "tymeouts", "unknown field");
    assertError(POOL + "listen: {data: {reuse_port: yes please}}\n", "listen.data.reuse_port", "true or false");
    assertError(POOL + "listen: {admin: {reuse_port: true}}\n", "listen.admin.reuse_port", "unknown field");
  }

  @Test
  void theDataListenerCanKeepOneListeningSocket() {
    assertThat(parse(POOL + "listen: {data: {port: 9, reuse_port: false}}\n").data())
        .isEqualTo(new GatewayConfig.Listener("127.0.0.1", 9, false));
  }

  @Test
  void aModelServedByTwoPoolsIsRefused() {
    assertError(
        "pools: [{name: p, models: [m], replicas: [{url: \"http://127.0.0.1:1\"}]},"
            + " {name: q, models: [m], replicas: [{url: \"http://127.0.0.1:2\"}]}]\n",
        "pools[1].models[0]",
        "served by two pools");
  }

  @Test
  void keysAreKeptOnlyAsDigests(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("g.yaml");
    Files.writeString(file, POOL + "keys: [{key: sk-secret, tenant: acme, tier: vip}]\n");
    GatewayConfig c = GatewayConfig.load(file);
    assertThat(c.keys().get(0).toString()).doesNotContain("sk-secret");
    assertThat(c.keys().get(0).digestHex()).hasSize(64);
  }

  @Test
  void aMissingOrBrokenFileNamesTheFile(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> GatewayConfig.load(dir.resolve("none.yaml"))).hasMessageContaining("none.yaml: no such file");
    Path broken = dir.resolve("b.yaml");
    Files.writeString(broken, "pools: [\n");
    assertThatThrownBy(() -> GatewayConfig.load(broken)).hasMessageContaining("b.yaml:").hasMessageContaining("not valid YAML");
  }
}

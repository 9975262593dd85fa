package dev.switchboard.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Node;
import dev.switchboard.core.ratelimit.Quota;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitConfigTest {
  private static final String SHA = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";

  private static RateLimitConfig parse(String yaml) throws Exception {
    return RateLimitConfig.parse(new Node(new ObjectMapper(new YAMLFactory()).readTree(yaml), "").get("ratelimit"));
  }

  private static String where(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e.where();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void theWholeSectionIsRead() throws Exception {
    RateLimitConfig c =
        parse(
            """
            ratelimit:
              requests_per_minute: 60
              tokens_per_minute: 100000
              tiers:
                vip: {requests_per_minute: 600, tokens_per_minute: 1000000}
                free: {requests_per_minute: 5}
              keys:
                %s: {tokens_per_minute: 7}
              redis:
                uri: redis://10.0.0.5:6380
                peers: 3
                on_outage: fail-closed
                timeout_ms: 50
            """
                .formatted(SHA));
    assertThat(c.limits().perKey()).isEqualTo(new Quota(60, 100_000));
    assertThat(c.limits().forTier("vip")).isEqualTo(new Quota(600, 1_000_000));
    assertThat(c.limits().forTier("free")).isEqualTo(new Quota(5, 0));
    assertThat(c.limits().forKey(SHA.toLowerCase())).as("by the lower-case digest").isEqualTo(new Quota(0, 7));
    assertThat(c.redis()).contains(new RateLimitConfig.Redis("redis://10.0.0.5:6380", 3, OnOutage.FAIL_CLOSED, Duration.ofMillis(50)));
  }

  @Test
  void noSectionMeansNoLimitsAndNoRedis() throws Exception {
    assertThat(parse("other: 1")).isEqualTo(RateLimitConfig.NONE);
  }

  @Test
  void redisDefaultsToFailOpenOnOnePeerWithA100msTimeout() throws Exception {
    RateLimitConfig c = parse("ratelimit: {requests_per_minute: 10, redis: {uri: 'redis://127.0.0.1:6379'}}");
    assertThat(c.redis()).contains(new RateLimitConfig.Redis("redis://127.0.0.1:6379", 1, OnOutage.FAIL_OPEN, Duration.ofMillis(100)));
  }

  @Test
  void errorsNameTheField() {
    assertThat(where("ratelimit: {requests_per_minute: -1}")).isEqualTo("ratelimit.requests_per_minute");
    assertThat(where("ratelimit: {tokens_per_minute: 1.5}")).isEqualTo("ratelimit.tokens_per_minute");
    // Above one per nanosecond Bucket4j cannot refill: refused when read, not at the first request.
    assertThat(where("ratelimit: {tokens_per_minute: 100000000000}")).isEqualTo("ratelimit.tokens_per_minute");
    assertThat(where("ratelimit: {tiers: {vip: {requests_per_minute: 60000000001}}}"))
        .isEqualTo("ratelimit.tiers.vip.requests_per_minute");
    assertThat(where("ratelimit: {rpm: 1}")).isEqualTo("ratelimit.rpm");
    assertThat(where("ratelimit: {tiers: {vip: {requests_per_minut: 1}}}")).isEqualTo("ratelimit.tiers.vip.requests_per_minut");
    assertThat(where("ratelimit: {tiers: {vip: 5}}")).isEqualTo("ratelimit.tiers.vip");
    assertThat(where("ratelimit: {tiers: [vip]}")).isEqualTo("ratelimit.tiers");
    assertThat(where("ratelimit: {keys: {my-key: {requests_per_minute: 1}}}")).isEqualTo("ratelimit.keys.my-key");
    assertThat(where("ratelimit: {redis: {uri: 'http://x:1'}}")).isEqualTo("ratelimit.redis.uri");
    assertThat(where("ratelimit: {redis: {peers: 0}}")).isEqualTo("ratelimit.redis.peers");
    assertThat(where("ratelimit: {redis: {on_outage: ignore}}")).isEqualTo("ratelimit.redis.on_outage");
    assertThat(where("ratelimit: {redis: {timeout_ms: 0}}")).isEqualTo("ratelimit.redis.timeout_ms");
    assertThat(where("ratelimit: {redis: {timeout_ms: 60000}}")).isEqualTo("ratelimit.redis.timeout_ms");
    assertThat(where("ratelimit: {redis: {host: x}}")).isEqualTo("ratelimit.redis.host");
  }

  @Test
  void theSameKeyListedTwiceIsRefused() {
    String twice = "ratelimit: {keys: {%s: {requests_per_minute: 1}, %s: {requests_per_minute: 2}}}"
        .formatted(SHA, SHA.toLowerCase());
    assertThatThrownBy(() -> parse(twice)).isInstanceOf(ConfigException.class).hasMessageContaining("twice");
  }
}

package dev.switchboard.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.switchboard.config.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OptionParsingTest {
  @Test
  void urlsGetTheChatCompletionsPath() {
    assertThat(Target.parse("http://127.0.0.1:8080").path()).isEqualTo("/v1/chat/completions");
    assertThat(Target.parse("http://localhost:8080/").path()).isEqualTo("/v1/chat/completions");
    assertThat(Target.parse("http://localhost:8080/v1").path()).isEqualTo("/v1/chat/completions");
    assertThat(Target.parse("http://localhost/x/v1/chat/completions").path())
        .isEqualTo("/x/v1/chat/completions");
    Target v6 = Target.parse("http://[::1]:9000");
    assertThat(v6.host()).isEqualTo("::1");
    assertThat(v6.port()).isEqualTo(9000);
    assertThat(Target.parse("http://localhost").port()).isEqualTo(80);
  }

  @Test
  void aUrlThatIsNotHttpNamesTheOption() {
    assertThatThrownBy(() -> Target.parse("127.0.0.1:8080"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--url: ");
    assertThatThrownBy(() -> Target.parse("ftp://127.0.0.1/")).hasMessageStartingWith("--url: ");
  }

  @Test
  void mixKeepsTheOrderAndRejectsBadShares() {
    assertThat(TierShares.parse("vip=0.1, free=0.9").shares())
        .containsExactly(entry("vip", 0.1), entry("free", 0.9));
    assertThatThrownBy(() -> TierShares.parse("vip=0,free=1"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--mix: share for 'vip' must be > 0, was 0");
    assertThatThrownBy(() -> TierShares.parse("vip=x")).hasMessageStartingWith("--mix: share for 'vip' must be a number");
    assertThatThrownBy(() -> TierShares.parse("vip")).hasMessageStartingWith("--mix: ");
    assertThatThrownBy(() -> TierShares.parse("a=1,a=2")).hasMessageContaining("twice");
  }

  @Test
  void keysAreChosenByTierWithABareKeyForTheRest() {
    ApiKeys keys = ApiKeys.parse(List.of("vip=k1", "fallback"));
    assertThat(keys.keyFor("vip")).contains("k1");
    assertThat(keys.keyFor("free")).contains("fallback");
    assertThat(keys.tiers()).containsExactly("vip");
    assertThat(ApiKeys.parse(List.of()).keyFor("vip")).isEmpty();
  }

  @Test
  void keysMustCoverEveryTierAndNameOnlyRealOnes() {
    ApiKeys keys = ApiKeys.parse(List.of("vip=k1"));
    assertThatThrownBy(() -> keys.checkCovers(List.of("vip", "free")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--key: no key for tier 'free'");
    assertThatThrownBy(() -> keys.checkCovers(List.of("gold")))
        .hasMessageStartingWith("--key: tier 'vip' is not in");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("a", "b"))).hasMessageStartingWith("--key: ");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("vip="))).hasMessageStartingWith("--key: ");
  }

  @Test
  void durationsTakeUnits() {
    DurationConverter c = new DurationConverter();
    assertThat(c.convert("60s")).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.convert("1.5")).isEqualTo(Duration.ofMillis(1500));
    assertThatThrownBy(() -> c.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class);
  }
}

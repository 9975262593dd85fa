package dev.switchboard.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TraceFormatTest {

  @Test
  void namesAreTheScenarioSpellings() {
    assertThat(TraceFormat.fromName("azure")).isEqualTo(TraceFormat.AZURE);
    assertThat(TraceFormat.fromName("Mooncake")).isEqualTo(TraceFormat.MOONCAKE);
    assertThatThrownBy(() -> TraceFormat.fromName("sharegpt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown trace format 'sharegpt' (known: azure, mooncake)");
  }

  @Test
  void theFormatIsGuessedFromTheExtension() {
    assertThat(TraceFormat.guess(Path.of("data/azure-code.csv"))).isEqualTo(TraceFormat.AZURE);
    assertThat(TraceFormat.guess(Path.of("mooncake.jsonl"))).isEqualTo(TraceFormat.MOONCAKE);
    assertThat(TraceFormat.guess(Path.of("MOONCAKE.JSON"))).isEqualTo(TraceFormat.MOONCAKE);
    assertThatThrownBy(() -> TraceFormat.guess(Path.of("trace.txt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trace.txt");
  }
}

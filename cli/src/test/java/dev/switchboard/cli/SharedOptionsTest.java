package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class SharedOptionsTest {
  private static final CommandLine MAIN = new CommandLine(new Main());

  private static String help(String command, String option) {
    CommandSpec spec = MAIN.getSubcommands().get(command).getCommandSpec();
    return String.join(" ", spec.findOption(option).description());
  }

  @Test
  void theArrivalOptionsAreWordedForEachCommandsOwnDefaults() {
    assertThat(help("simulate", "--seed")).isEqualTo("Random seed (default: the scenario's).");
    assertThat(help("loadgen", "--seed"))
        .isEqualTo("Random seed (default: the workload file's seed, else 1).");
    assertThat(help("simulate", "--trace"))
        .isEqualTo("Trace to replay (Azure CSV or Mooncake JSONL), for scenarios of type trace.");
    assertThat(help("loadgen", "--trace"))
        .isEqualTo("Replay a trace (Azure CSV or Mooncake JSONL) instead of Poisson arrivals.");
    assertThat(help("simulate", "--speedup"))
        .isEqualTo("Replay the trace X times faster (time offsets divided by X).");
    assertThat(help("loadgen", "--speedup")).isEqualTo("Replay the trace X times faster.");
  }

  @Test
  void theOutputOptionsReadTheSameInEveryCommandThatHasThem() {
    for (String command : new String[] {"simulate", "loadgen"}) {
      assertThat(help(command, "--json")).isEqualTo("Also write the results as JSON.");
      assertThat(help(command, "--quiet")).isEqualTo("No progress bar.");
    }
  }

  @Test
  void everyOptionOfEveryCommandHasHelpText() {
    for (Map.Entry<String, CommandLine> command : MAIN.getSubcommands().entrySet()) {
      for (OptionSpec option : command.getValue().getCommandSpec().options()) {
        assertThat(String.join(" ", option.description()))
            .as(command.getKey() + " " + option.longestName())
            .isNotBlank();
      }
    }
  }
}

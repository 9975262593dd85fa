package dev.switchboard.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Reads the shared Azure code trace, which lives outside the project and may be absent. */
class RealAzureTraceTest {
  private static final String TRACE = "shared/traces/azure-llm-2023-code.csv";

  /** Surefire runs in the module directory ({@code sim/}); an IDE may run in the project root. */
  private static Path locate() {
    for (String up : List.of("../../", "../")) {
      Path p = Path.of(up + TRACE).toAbsolutePath().normalize();
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  @Test
  void theAzureCodeTraceReadsInFullInOrderOverAboutAnHour() {
    Path trace = locate();
    Assumptions.assumeTrue(
        trace != null,
        () ->
            "trace not found at ../../"
                + TRACE
                + " or ../"
                + TRACE
                + " from "
                + Path.of("").toAbsolutePath()
                + ", skipping");
    long count = 0;
    long first = -1;
    long last = -1;
    long previous = Long.MIN_VALUE;
    boolean monotone = true;
    try (TraceReader r = TraceReader.open(trace, TraceFormat.AZURE)) {
      for (TraceRecord rec = r.next(); rec != null; rec = r.next()) {
        if (count == 0) {
          first = rec.offsetNanos();
        }
        monotone &= rec.offsetNanos() >= previous;
        previous = rec.offsetNanos();
        last = rec.offsetNanos();
        count++;
      }
    }
    // 8,819 data rows after the header (the last row has no line end); the README rounds to 8,818.
    assertThat(count).isEqualTo(8_819);
    assertThat(first).isZero();
    assertThat(monotone).isTrue();
    assertThat(last / 60e9).as("minutes").isBetween(50.0, 70.0);
  }
}

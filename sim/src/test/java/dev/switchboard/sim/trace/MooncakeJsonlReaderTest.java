package dev.switchboard.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MooncakeJsonlReaderTest {
  @TempDir Path dir;

  private Path write(String content) throws IOException {
    Path p = dir.resolve("trace.jsonl");
    Files.writeString(p, content);
    return p;
  }

  private static List<TraceRecord> read(Path p) {
    List<TraceRecord> out = new ArrayList<>();
    try (TraceReader r = TraceReader.open(p, TraceFormat.MOONCAKE)) {
      for (TraceRecord rec = r.next(); rec != null; rec = r.next()) {
        out.add(rec);
      }
    }
    return out;
  }

  @Test
  void readsOffsetsLengthsAndHashIds() throws IOException {
    List<TraceRecord> r =
        read(
            write(
                """
{"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, 48]}
{"timestamp": 30000, "input_length": 12, "output_length": 3, "hash_ids": [46, 99]}
"""));
    assertThat(r).extracting(TraceRecord::offsetNanos).containsExactly(0L, 2_518_000_000L);
    assertThat(r).extracting(TraceRecord::promptTokens).containsExactly(6955, 12);
    assertThat(r).extracting(TraceRecord::outputTokens).containsExactly(52, 3);
    assertThat(r.get(0).blockHashes()).containsExactly(46, 47, 48);
    assertThat(r.get(1).blockHashes()).containsExactly(46, 99);
  }

  @Test
  void hashIdsAreOptionalAndExtraFieldsIgnored() throws IOException {
    List<TraceRecord> r =
        read(
            write(
                "{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3, \"note\":"
                    + " \"x\"}\n"));
    assertThat(r.get(0).blockHashes()).isEmpty();
  }

  @Test
  void fractionalMillisecondsAreKept() throws IOException {
    List<TraceRecord> r =
        read(
            write(
                "{\"timestamp\": 10, \"input_length\": 1, \"output_length\": 1}\n"
                    + "{\"timestamp\": 10.25, \"input_length\": 1, \"output_length\": 1}\n"));
    assertThat(r.get(1).offsetNanos()).isEqualTo(250_000L);
  }

  @Test
  void blankLinesAreSkippedButCountedForErrors() throws IOException {
    Path p =
        write(
            "{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3}\n"
                + "\n"
                + "   \n"
                + "{\"timestamp\": 2, \"input_length\": 2, \"output_length\": 3}\n"
                + "\n"
                + "{\"timestamp\": 3, \"output_length\": 3}\n");
    assertThatThrownBy(() -> read(p))
        .isInstanceOf(TraceException.class)
        .hasMessage(p + ":6: is required (field input_length)");
  }

  @Test
  void aMissingFieldNamesTheFieldAndLine() throws IOException {
    Path p =
        write(
            "{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3}\n"
                + "{\"timestamp\": 2, \"input_length\": 2}\n");
    assertThatThrownBy(() -> read(p)).hasMessage(p + ":2: is required (field output_length)");
  }

  @Test
  void badJsonNamesTheLine() throws IOException {
    Path p =
        write(
            "{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3}\n{\"timestamp\": 2,\n");
    assertThatThrownBy(() -> read(p)).hasMessageStartingWith(p + ":2: not valid JSON");
  }

  @Test
  void aNegativeLengthIsRejected() throws IOException {
    Path p = write("{\"timestamp\": 1, \"input_length\": -2, \"output_length\": 3}\n");
    assertThatThrownBy(() -> read(p))
        .hasMessage(p + ":1: must be >= 0, was -2 (field input_length)");
  }

  @Test
  void aNonIntegerHashIsRejected() throws IOException {
    Path p =
        write(
            "{\"timestamp\": 1, \"input_length\": 2, \"output_length\": 3, \"hash_ids\": [1,"
                + " \"a\"]}\n");
    assertThatThrownBy(() -> read(p))
        .hasMessage(p + ":1: element 1 must be an integer, was \"a\" (field hash_ids)");
  }

  @Test
  void timeGoingBackwardsIsRejected() throws IOException {
    Path p =
        write(
            "{\"timestamp\": 5, \"input_length\": 2, \"output_length\": 3}\n"
                + "{\"timestamp\": 4, \"input_length\": 2, \"output_length\": 3}\n");
    assertThatThrownBy(() -> read(p))
        .hasMessageStartingWith(p + ":2: timestamp goes backwards")
        .hasMessageEndingWith("(field timestamp)");
  }
}

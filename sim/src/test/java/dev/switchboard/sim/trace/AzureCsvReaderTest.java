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

class AzureCsvReaderTest {
  private static final String HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens\n";

  @TempDir Path dir;

  private Path write(String content) throws IOException {
    Path p = dir.resolve("trace.csv");
    Files.writeString(p, content);
    return p;
  }

  private List<TraceRecord> read(String content) throws IOException {
    List<TraceRecord> out = new ArrayList<>();
    try (TraceReader r = TraceReader.open(write(content), TraceFormat.AZURE)) {
      for (TraceRecord rec = r.next(); rec != null; rec = r.next()) {
        out.add(rec);
      }
    }
    return out;
  }

  private static List<Long> offsets(List<TraceRecord> records) {
    return records.stream().map(TraceRecord::offsetNanos).toList();
  }

  @Test
  void offsetsAreRelativeToTheFirstRowAndTokensAreRead() throws IOException {
    List<TraceRecord> r =
        read(HEADER + "2023-11-16 18:17:03.9799600,4808,10\n2023-11-16 18:17:04.0319600,3180,8\n");
    assertThat(offsets(r)).containsExactly(0L, 52_000_000L);
    assertThat(r).extracting(TraceRecord::promptTokens).containsExactly(4808, 3180);
    assertThat(r).extracting(TraceRecord::outputTokens).containsExactly(10, 8);
    assertThat(r.get(0).blockHashes()).isEmpty();
  }

  @Test
  void offsetsCrossMinuteHourMidnightMonthAndYearBoundaries() throws IOException {
    List<TraceRecord> r =
        read(
            HEADER
                + "2023-12-31 23:58:59.9000000,1,1\n"
                + "2023-12-31 23:59:00.1000000,1,1\n"
                + "2024-01-01 00:00:00.0500000,1,1\n"
                + "2024-01-01 01:00:00.0000000,1,1\n");
    assertThat(offsets(r)).containsExactly(0L, 200_000_000L, 60_150_000_000L, 3_660_100_000_000L);
  }

  @Test
  void aLeapDayIsADay() throws IOException {
    List<TraceRecord> r = read(HEADER + "2024-02-28 12:00:00,1,1\n2024-03-01 12:00:00,1,1\n");
    assertThat(offsets(r)).containsExactly(0L, 2 * 86_400_000_000_000L);
  }

  @Test
  void fractionsOfZeroToNineDigitsAreScaled() throws IOException {
    List<TraceRecord> r =
        read(
            HEADER
                + "2023-11-16 18:00:00,1,1\n"
                + "2023-11-16 18:00:00.5,1,1\n"
                + "2023-11-16 18:00:00.75,1,1\n"
                + "2023-11-16 18:00:00.9799600,1,1\n"
                + "2023-11-16 18:00:00.987654321,1,1\n"
                + "2023-11-16 18:00:01.,1,1\n");
    assertThat(offsets(r))
        .containsExactly(
            0L, 500_000_000L, 750_000_000L, 979_960_000L, 987_654_321L, 1_000_000_000L);
  }

  @Test
  void crlfLineEndsAndATrailingEmptyLineAreTolerated() throws IOException {
    List<TraceRecord> r =
        read(
            "TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
                + "2023-11-16 18:00:00.1,7,3\r\n"
                + "2023-11-16 18:00:00.2,8,4\r\n"
                + "\r\n");
    assertThat(r).extracting(TraceRecord::outputTokens).containsExactly(3, 4);
    assertThat(offsets(r)).containsExactly(0L, 100_000_000L);
  }

  @Test
  void columnsMayComeInAnyOrderAndCase() throws IOException {
    List<TraceRecord> r =
        read("generatedtokens,Timestamp,CONTEXTTOKENS\n9,2023-11-16 18:00:00,100\n");
    assertThat(r.get(0).promptTokens()).isEqualTo(100);
    assertThat(r.get(0).outputTokens()).isEqualTo(9);
  }

  @Test
  void aBadNumberNamesFileLineAndColumn() throws IOException {
    Path p = write(HEADER + "2023-11-16 18:00:00,1,1\n2023-11-16 18:00:01,abc,1\n");
    assertThatThrownBy(() -> drain(p))
        .isInstanceOf(TraceException.class)
        .hasMessage(p + ":3: not a whole number, was 'abc' (column ContextTokens)");
  }

  @Test
  void aBadTimestampNamesFileLineAndColumn() throws IOException {
    Path p = write(HEADER + "2023-11-16 18:61:00,1,1\n");
    assertThatThrownBy(() -> drain(p))
        .hasMessage(
            p + ":2: time of day out of range, was '2023-11-16 18:61:00' (column TIMESTAMP)");
  }

  @Test
  void anImpossibleDateIsRejected() throws IOException {
    Path p = write(HEADER + "2023-02-30 10:00:00,1,1\n");
    assertThatThrownBy(() -> drain(p)).hasMessageStartingWith(p + ":2: no such date");
  }

  @Test
  void negativeTokensAreRejected() throws IOException {
    Path p = write(HEADER + "2023-11-16 18:00:00,1,-4\n");
    assertThatThrownBy(() -> drain(p))
        .hasMessage(p + ":2: must be >= 0, was -4 (column GeneratedTokens)");
  }

  @Test
  void aMissingColumnIsNamed() throws IOException {
    Path p = write(HEADER + "2023-11-16 18:00:00,1\n");
    assertThatThrownBy(() -> drain(p)).hasMessage(p + ":2: missing value (column GeneratedTokens)");
  }

  @Test
  void timestampsGoingBackwardsAreRejectedNamingTheLine() throws IOException {
    Path p =
        write(
            HEADER + "2023-11-16 18:00:01,1,1\n2023-11-16 18:00:02,1,1\n2023-11-16 18:00:00,1,1\n");
    assertThatThrownBy(() -> drain(p))
        .hasMessageStartingWith(p + ":4: timestamp goes backwards")
        .hasMessageEndingWith("(column TIMESTAMP)");
  }

  @Test
  void aWrongHeaderNamesLineOneAndTheExpectedColumns() throws IOException {
    Path p = write("time,prompt,output\n2023-11-16 18:00:00,1,1\n");
    assertThatThrownBy(() -> TraceReader.open(p, TraceFormat.AZURE))
        .isInstanceOf(TraceException.class)
        .hasMessageStartingWith(
            p + ":1: header must have the columns TIMESTAMP,ContextTokens,GeneratedTokens");
  }

  @Test
  void anEmptyFileIsAnError() throws IOException {
    Path p = write("");
    assertThatThrownBy(() -> TraceReader.open(p, TraceFormat.AZURE))
        .hasMessageStartingWith(p + ":1: empty trace");
  }

  @Test
  void aMissingFileNamesThePath() {
    Path p = dir.resolve("absent.csv");
    assertThatThrownBy(() -> TraceReader.open(p, TraceFormat.AZURE))
        .isInstanceOf(TraceException.class)
        .hasMessage(p + ": trace file not found");
  }

  private static void drain(Path p) {
    try (TraceReader r = TraceReader.open(p, TraceFormat.AZURE)) {
      while (r.next() != null) {
        // read to the end
      }
    }
  }
}

package dev.switchboard.sim.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;

/**
 * Reads a Mooncake trace: one JSON object per line, {@code {"timestamp": 27482, "input_length":
 * 6955, "output_length": 52, "hash_ids": [46, 47]}}, the timestamp in milliseconds. {@code
 * hash_ids} is optional, other fields are ignored, blank lines are skipped.
 */
public final class MooncakeJsonlReader implements TraceReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TraceLines lines;
  private final Timeline timeline = new Timeline();

  /** Opens {@code path}; records are parsed as they are read. */
  public MooncakeJsonlReader(Path path) {
    this.lines = new TraceLines(path);
  }

  @Override
  public TraceRecord next() {
    String line = lines.next();
    if (line == null) {
      return null;
    }
    JsonNode json;
    try {
      json = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw lines.error("not valid JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw lines.error("must be a JSON object like {\"timestamp\": 0, \"input_length\": 10, ...}");
    }
    long offset = offset(json);
    int prompt = count(json, "input_length");
    int output = count(json, "output_length");
    return new TraceRecord(offset, prompt, output, hashes(json));
  }

  @Override
  public void close() {
    lines.close();
  }

  private long offset(JsonNode json) {
    JsonNode v = required(json, "timestamp");
    if (!v.isNumber()) {
      throw lines.error("must be a number of milliseconds, was " + v + " (field timestamp)");
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      long ms = v.asLong();
      checkNotNegative(ms, "timestamp");
      return timeline.offset(ms / 1000, (ms % 1000) * 1_000_000L, lines, "field timestamp");
    }
    double ms = v.asDouble();
    if (!Double.isFinite(ms) || ms >= 9.2e18) {
      throw lines.error("must be a finite number of milliseconds, was " + v + " (field timestamp)");
    }
    if (ms < 0) {
      throw lines.error("must be >= 0, was " + v + " (field timestamp)");
    }
    long whole = (long) ms;
    long nanos = Math.round((ms - whole) * 1e6) + (whole % 1000) * 1_000_000L;
    return timeline.offset(whole / 1000, nanos, lines, "field timestamp");
  }

  private int count(JsonNode json, String field) {
    JsonNode v = required(json, field);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw lines.error("must be a whole number of tokens, was " + v + " (field " + field + ")");
    }
    int n = v.asInt();
    checkNotNegative(n, field);
    return n;
  }

  private long[] hashes(JsonNode json) {
    JsonNode v = json.get("hash_ids");
    if (v == null || v.isNull()) {
      return TraceRecord.NO_HASHES;
    }
    if (!v.isArray()) {
      throw lines.error("must be a list of integers (field hash_ids)");
    }
    if (v.isEmpty()) {
      return TraceRecord.NO_HASHES;
    }
    long[] out = new long[v.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode h = v.get(i);
      if (!h.isIntegralNumber() || !h.canConvertToLong()) {
        throw lines.error("element " + i + " must be an integer, was " + h + " (field hash_ids)");
      }
      out[i] = h.asLong();
    }
    return out;
  }

  private JsonNode required(JsonNode json, String field) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      throw lines.error("is required (field " + field + ")");
    }
    return v;
  }

  private void checkNotNegative(long value, String field) {
    if (value < 0) {
      throw lines.error("must be >= 0, was " + value + " (field " + field + ")");
    }
  }
}

package dev.switchboard.sim.trace;

import java.nio.file.Path;
import java.util.Locale;

/** The trace file layouts the simulator can replay. */
public enum TraceFormat {
  /** Azure LLM inference trace CSV: {@code TIMESTAMP,ContextTokens,GeneratedTokens}. */
  AZURE("azure"),
  /** Mooncake JSONL: {@code {"timestamp": ms, "input_length", "output_length", "hash_ids"}}. */
  MOONCAKE("mooncake");

  private final String yamlName;

  TraceFormat(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The name used in scenarios and on the command line. */
  public String yamlName() {
    return yamlName;
  }

  /**
   * The format called {@code name} ({@code azure} or {@code mooncake}, any case).
   *
   * @throws IllegalArgumentException naming the known formats; callers add the field path
   */
  public static TraceFormat fromName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (TraceFormat f : values()) {
      if (f.yamlName.equals(wanted)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown trace format '" + name + "' (known: azure, mooncake)");
  }

  /**
   * The format implied by the file name: {@code .csv} is Azure, {@code .jsonl} and {@code .json}
   * are Mooncake.
   *
   * @throws IllegalArgumentException when the extension says nothing; callers add the field path
   */
  public static TraceFormat guess(Path path) {
    Path name = path.getFileName();
    String file = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    if (file.endsWith(".csv")) {
      return AZURE;
    }
    if (file.endsWith(".jsonl") || file.endsWith(".json")) {
      return MOONCAKE;
    }
    throw new IllegalArgumentException(
        "cannot tell the trace format of '"
            + path
            + "' from its extension (.csv is azure, .jsonl/.json is mooncake); give the format");
  }
}

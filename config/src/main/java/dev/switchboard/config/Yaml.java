package dev.switchboard.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads YAML into a {@link Node}; every problem becomes a {@link ConfigException} naming file and line. */
public final class Yaml {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Yaml() {}

  /** The mapping at the top of {@code file}. */
  public static Node readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "no such file");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot read: " + e.getMessage());
    }
    return mapping(text, file.toString());
  }

  /** The mapping in {@code text} (a config built in code, or a test's). */
  public static Node parse(String text) {
    return mapping(text, "yaml");
  }

  private static Node mapping(String text, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where = source + (loc != null && loc.getLineNr() > 0 ? ":" + loc.getLineNr() : "");
      throw new ConfigException(where, "not valid YAML: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(source, "must be a YAML mapping");
    }
    return new Node(root, "");
  }
}

package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YAML/JSON tree node that knows its path, so every validation error names the field:
 * {@code workload.prompt_tokens.median: must be > 0, was -3}.
 */
public final class Node {
  private final JsonNode json;
  private final String path;

  public Node(JsonNode json, String path) {
    this.json = json == null ? MissingNode.getInstance() : json;
    this.path = path;
  }

  public String path() {
    return path;
  }

  public JsonNode json() {
    return json;
  }

  public boolean isMissing() {
    return json.isMissingNode() || json.isNull();
  }

  public boolean has(String field) {
    JsonNode v = json.get(field);
    return v != null && !v.isNull();
  }

  public Node get(String field) {
    return new Node(json.get(field), child(field));
  }

  /** A required mapping. */
  public Node object(String field) {
    Node n = get(field);
    if (n.isMissing()) {
      throw new ConfigException(n.path, "is required");
    }
    if (!n.json.isObject()) {
      throw new ConfigException(n.path, "must be a mapping");
    }
    return n;
  }

  /** The elements of a list field (empty when absent). */
  public List<Node> list(String field) {
    Node n = get(field);
    if (n.isMissing()) {
      return List.of();
    }
    if (!n.json.isArray()) {
      throw new ConfigException(n.path, "must be a list");
    }
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < n.json.size(); i++) {
      out.add(new Node(n.json.get(i), n.path + "[" + i + "]"));
    }
    return out;
  }

  public String string(String field) {
    Node n = get(field);
    if (n.isMissing()) {
      throw new ConfigException(n.path, "is required");
    }
    return n.asString();
  }

  public String string(String field, String fallback) {
    Node n = get(field);
    return n.isMissing() ? fallback : n.asString();
  }

  /** This node's own value as text. */
  public String asString() {
    if (!json.isValueNode()) {
      throw new ConfigException(path, "must be a plain value");
    }
    return json.asText();
  }

  public double number(String field) {
    Node n = get(field);
    if (n.isMissing()) {
      throw new ConfigException(n.path, "is required");
    }
    return n.asNumber();
  }

  public double number(String field, double fallback) {
    Node n = get(field);
    return n.isMissing() ? fallback : n.asNumber();
  }

  public double asNumber() {
    if (!json.isNumber()) {
      throw new ConfigException(path, "must be a number, was '" + json.asText() + "'");
    }
    double v = json.asDouble();
    if (!Double.isFinite(v)) {
      throw new ConfigException(path, "must be a finite number");
    }
    return v;
  }

  public double positive(String field) {
    double v = number(field);
    return requirePositive(field, v);
  }

  public double positive(String field, double fallback) {
    double v = number(field, fallback);
    return requirePositive(field, v);
  }

  public double nonNegative(String field, double fallback) {
    double v = number(field, fallback);
    if (v < 0) {
      throw new ConfigException(child(field), "must be >= 0, was " + v);
    }
    return v;
  }

  public long integer(String field, long fallback) {
    Node n = get(field);
    return n.isMissing() ? fallback : n.asInteger();
  }

  public long integer(String field) {
    Node n = get(field);
    if (n.isMissing()) {
      throw new ConfigException(n.path, "is required");
    }
    return n.asInteger();
  }

  public long asInteger() {
    if (!json.isIntegralNumber() && !(json.isNumber() && json.asDouble() == Math.rint(json.asDouble()))) {
      throw new ConfigException(path, "must be a whole number, was '" + json.asText() + "'");
    }
    return json.asLong();
  }

  public long positiveInteger(String field, long fallback) {
    long v = integer(field, fallback);
    if (v <= 0) {
      throw new ConfigException(child(field), "must be > 0, was " + v);
    }
    return v;
  }

  public boolean bool(String field, boolean fallback) {
    Node n = get(field);
    if (n.isMissing()) {
      return fallback;
    }
    if (!n.json.isBoolean()) {
      throw new ConfigException(n.path, "must be true or false, was '" + n.json.asText() + "'");
    }
    return n.json.asBoolean();
  }

  /** Fails on any field not in {@code known}, naming it: a typo must not pass silently. */
  public Node allowOnly(String... known) {
    if (!json.isObject()) {
      if (isMissing()) {
        return this;
      }
      throw new ConfigException(path, "must be a mapping");
    }
    Set<String> allowed = new TreeSet<>(List.of(known));
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new ConfigException(child(f), "unknown field (known: " + String.join(", ", allowed) + ")");
      }
    }
    return this;
  }

  public ConfigException error(String field, String problem) {
    return new ConfigException(child(field), problem);
  }

  public ConfigException error(String problem) {
    return new ConfigException(path, problem);
  }

  private double requirePositive(String field, double v) {
    if (!(v > 0)) {
      throw new ConfigException(child(field), "must be > 0, was " + v);
    }
    return v;
  }

  private String child(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}

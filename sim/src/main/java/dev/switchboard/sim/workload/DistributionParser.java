package dev.switchboard.sim.workload;

import dev.switchboard.config.Node;

/**
 * Reads a distribution from a scenario: a plain number (a constant), or a mapping {@code {dist:
 * constant|uniform|exponential|lognormal, ...}}. One parser serves tokens (whole-number bounds,
 * samples later rounded) and milliseconds (real bounds).
 */
final class DistributionParser {
  private static final String KNOWN = "constant, uniform, exponential, lognormal";

  private final boolean whole;
  private final double least;
  private final double defaultMin;

  private DistributionParser(boolean whole, double least, double defaultMin) {
    this.whole = whole;
    this.least = least;
    this.defaultMin = defaultMin;
  }

  /** Token counts: whole-number constants and bounds, none below {@code least}. */
  static DistributionParser tokens(int least) {
    return new DistributionParser(true, least, Math.max(1, least));
  }

  /** Durations in milliseconds: real-valued, never negative. */
  static DistributionParser millis() {
    return new DistributionParser(false, 0, 0);
  }

  Distribution parse(Node node) {
    if (node.isMissing()) {
      throw node.error("is required");
    }
    if (node.json().isNumber()) {
      return new ConstantDistribution(constant(node));
    }
    if (!node.json().isObject()) {
      throw node.error("must be a number or a mapping with dist: " + KNOWN.replace(", ", "|"));
    }
    String dist = node.string("dist");
    return switch (dist) {
      case "constant" ->
          new ConstantDistribution(constant(node.allowOnly("dist", "value").get("value")));
      case "uniform" -> uniform(node.allowOnly("dist", "min", "max"));
      case "exponential" -> exponential(node.allowOnly("dist", "mean", "min", "max"));
      case "lognormal" -> lognormal(node.allowOnly("dist", "median", "sigma", "min", "max"));
      default ->
          throw node.error("dist", "unknown distribution '" + dist + "' (known: " + KNOWN + ")");
    };
  }

  private Distribution exponential(Node node) {
    double mean = node.positive("mean");
    double min = bound(node, "min", defaultMin);
    double max = upperBound(node, min);
    return new ExponentialDistribution(mean, min, max);
  }

  private Distribution lognormal(Node node) {
    double median = node.positive("median");
    double sigma = node.positive("sigma");
    double min = bound(node, "min", defaultMin);
    double max = upperBound(node, min);
    return new LognormalDistribution(median, sigma, min, max);
  }

  private Distribution uniform(Node node) {
    if (!node.has("min")) {
      throw node.error("min", "is required");
    }
    if (!node.has("max")) {
      throw node.error("max", "is required");
    }
    double min = bound(node, "min", Double.NaN);
    double max = upperBound(node, min);
    if (whole) {
      // Rounding a continuous draw on [min - 0.5, max + 0.5) gives each whole number in [min, max]
      // the same chance; on [min, max] the two end values would get half as much.
      return new UniformDistribution(min - 0.5, max + 0.5);
    }
    return new UniformDistribution(min, max);
  }

  private double constant(Node value) {
    if (value.isMissing()) {
      throw value.error("is required");
    }
    double v = whole ? value.asInteger() : value.asNumber();
    if (!whole && !(v > 0)) {
      throw value.error("must be > 0, was " + v);
    }
    if (v < least) {
      throw value.error("must be >= " + show(least) + ", was " + show(v));
    }
    return v;
  }

  private double upperBound(Node node, double min) {
    double max = bound(node, "max", Double.POSITIVE_INFINITY);
    if (max < min) {
      throw node.error("max", "must be >= min (" + show(min) + "), was " + show(max));
    }
    return max;
  }

  private double bound(Node node, String field, double fallback) {
    if (!node.has(field)) {
      return fallback;
    }
    double v = whole ? node.integer(field) : node.number(field);
    if (v < least) {
      throw node.error(field, "must be >= " + show(least) + ", was " + show(v));
    }
    return v;
  }

  private String show(double v) {
    return whole || v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}

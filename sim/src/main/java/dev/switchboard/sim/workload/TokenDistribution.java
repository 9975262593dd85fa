package dev.switchboard.sim.workload;

import dev.switchboard.config.Node;
import java.util.SplittableRandom;

/**
 * How many tokens a request has: constant, uniform, exponential or log-normal, clamped to bounds.
 * In a scenario: a plain number, or {@code {dist: lognormal, median: 500, sigma: 1.0, min: 1, max:
 * 8000}}.
 */
public interface TokenDistribution {

  /** A whole number of tokens, within the distribution's bounds. */
  int sample(SplittableRandom rnd);

  /** The mean number of tokens (of the clamped distribution, before rounding to whole tokens). */
  double mean();

  /** Reads a distribution whose samples are never negative. */
  static TokenDistribution parse(Node node) {
    return parse(node, 0);
  }

  /**
   * Reads a distribution whose samples are never below {@code least}; a constant or bound below it
   * is an error naming the field. Output tokens use {@code least = 1}.
   */
  static TokenDistribution parse(Node node, int least) {
    return new RoundedTokens(DistributionParser.tokens(least).parse(node));
  }

  /** Always {@code tokens}. */
  static TokenDistribution constant(int tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must be >= 0, was " + tokens);
    }
    return new RoundedTokens(new ConstantDistribution(tokens));
  }
}

package dev.switchboard.sim.workload;

import java.util.SplittableRandom;

/**
 * Log-normal with the given median and shape {@code sigma} (of the underlying normal), clamped to
 * {@code [min, max]}. Request sizes are heavy-tailed; this is the usual fit.
 */
record LognormalDistribution(double median, double sigma, double min, double max)
    implements Distribution {
  /** Coefficients of the erfc fit (Numerical Recipes, erfcc), lowest power first. */
  private static final double[] ERFC = {
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
    0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277
  };

  @Override
  public double sample(SplittableRandom rnd) {
    double x = median * Math.exp(sigma * rnd.nextGaussian());
    return Math.min(max, Math.max(min, x));
  }

  /**
   * With mu = ln median, A = (ln a - mu)/sigma and B = (ln b - mu)/sigma, the clamped mean is
   * a·Φ(A) + e^(mu + sigma²/2)·(Φ(B - sigma) - Φ(A - sigma)) + b·(1 - Φ(B)).
   */
  @Override
  public double mean() {
    double mu = Math.log(median);
    double a = (Math.log(min) - mu) / sigma;
    double b = (Math.log(max) - mu) / sigma;
    double below = min > 0 ? min * phi(a) : 0;
    double above = Double.isInfinite(max) ? 0 : max * (1 - phi(b));
    return below + Math.exp(mu + sigma * sigma / 2) * (phi(b - sigma) - phi(a - sigma)) + above;
  }

  /** The standard normal CDF. */
  private static double phi(double x) {
    return 0.5 * erfc(-x / Math.sqrt(2));
  }

  /** Complementary error function, Chebyshev fit with relative error below 1.2e-7. */
  private static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double poly = 0;
    for (int i = ERFC.length - 1; i >= 0; i--) {
      poly = poly * t + ERFC[i];
    }
    double r = t * Math.exp(-z * z + poly);
    return x >= 0 ? r : 2 - r;
  }
}

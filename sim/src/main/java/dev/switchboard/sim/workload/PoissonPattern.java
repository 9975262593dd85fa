package dev.switchboard.sim.workload;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.Node;

/**
 * {@code type: poisson}: a fixed {@code rate_per_s}, or a {@code load} (fraction of the pool's
 * capacity) turned into a rate once the capacity is known.
 *
 * @param ratePerSecond the fixed rate, or NaN when {@code load} gives it
 * @param load the fraction of the pool's capacity, or NaN when {@code rate_per_s} is given
 * @param loadField where {@code load} is, for errors
 * @param rateField where {@code rate_per_s} would be, for errors
 */
record PoissonPattern(double ratePerSecond, double load, String loadField, String rateField)
    implements ArrivalPattern {
  static final String[] FIELDS = {"rate_per_s", "load"};

  static PoissonPattern parse(Node workload) {
    String loadField = workload.get("load").path();
    String rateField = workload.get("rate_per_s").path();
    boolean hasRate = workload.has("rate_per_s");
    boolean hasLoad = workload.has("load");
    if (hasRate && hasLoad) {
      throw workload.error("load", "give either rate_per_s or load, not both");
    }
    if (hasLoad) {
      return new PoissonPattern(Double.NaN, workload.positive("load"), loadField, rateField);
    }
    if (!hasRate) {
      throw workload.error(
          "rate_per_s", "is required (or give load, a fraction of the pool's capacity)");
    }
    return new PoissonPattern(workload.positive("rate_per_s"), Double.NaN, loadField, rateField);
  }

  @Override
  public boolean endless() {
    return true;
  }

  @Override
  public Workload create(
      StopRule stop, ArrivalFactory factory, RandomStreams streams, double poolCapacityPerSecond) {
    return new PoissonWorkload(rate(poolCapacityPerSecond), stop, factory, streams);
  }

  private double rate(double poolCapacityPerSecond) {
    if (Double.isNaN(load)) {
      return ratePerSecond;
    }
    if (Double.isNaN(poolCapacityPerSecond)) {
      throw new ConfigException(
          loadField,
          "can only be used with a replica model whose capacity is known (model.type:"
              + " service-time); give "
              + rateField
              + " instead");
    }
    if (!(poolCapacityPerSecond > 0) || Double.isInfinite(poolCapacityPerSecond)) {
      throw new ConfigException(
          loadField, "the pool's capacity must be > 0 and finite, was " + poolCapacityPerSecond);
    }
    return load * poolCapacityPerSecond;
  }
}

package dev.switchboard.sim.workload;

import dev.switchboard.config.Node;
import java.util.List;

/**
 * {@code type: steps}: {@code levels: [{rate_per_s, duration_s}, ...]} held in turn, e.g. 10/s for
 * a minute, then 50/s, then a pause (rate 0): the shape for watching a policy react to a change.
 * Ends after the last level, or with {@code repeat} starts over.
 */
record StepsPattern(double[] rates, double[] durations, boolean repeat) implements ArrivalPattern {
  static final String[] FIELDS = {"levels", "repeat"};

  static StepsPattern parse(Node workload) {
    List<Node> levels = workload.list("levels");
    if (levels.isEmpty()) {
      throw workload.error(
          "levels", "is required, a list like [{rate_per_s: 10, duration_s: 60}, ...]");
    }
    double[] rates = new double[levels.size()];
    double[] durations = new double[levels.size()];
    boolean anyTraffic = false;
    for (int i = 0; i < rates.length; i++) {
      Node level = levels.get(i);
      if (!level.json().isObject()) {
        throw level.error("must be a mapping like {rate_per_s: 10, duration_s: 60}");
      }
      level.allowOnly("rate_per_s", "duration_s");
      rates[i] = level.number("rate_per_s");
      if (rates[i] < 0) {
        throw level.error("rate_per_s", "must be >= 0 (0 is a pause), was " + rates[i]);
      }
      durations[i] = level.positive("duration_s");
      anyTraffic |= rates[i] > 0;
    }
    boolean repeat = workload.bool("repeat", false);
    if (repeat && !anyTraffic) {
      throw workload.error("levels", "a repeating schedule needs a level with rate_per_s > 0");
    }
    return new StepsPattern(rates, durations, repeat);
  }

  @Override
  public boolean endless() {
    return repeat;
  }

  @Override
  public Workload create(
      StopRule stop, ArrivalFactory factory, RandomStreams streams, double poolCapacityPerSecond) {
    return new ClockedWorkload(
        new PoissonClock(rates, durations, repeat, streams.arrivals), stop, factory);
  }
}

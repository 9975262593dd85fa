package dev.switchboard.sim;

import dev.switchboard.config.AdmissionConfig;
import dev.switchboard.core.ManualClock;
import dev.switchboard.core.Randomness;
import dev.switchboard.core.admission.AdmissionControl;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.event.ShedReason;
import dev.switchboard.core.fleet.ReplicaGroup;
import dev.switchboard.core.ratelimit.InMemoryBucketStore;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.sim.engine.Event;
import dev.switchboard.sim.engine.EventQueue;
import dev.switchboard.sim.metrics.PolicyResult;
import dev.switchboard.sim.metrics.RunMetrics;
import dev.switchboard.sim.metrics.SimulationReport;
import dev.switchboard.sim.model.ModelListener;
import dev.switchboard.sim.model.ReplicaModel;
import dev.switchboard.sim.model.SimRequest;
import dev.switchboard.sim.policy.Policies;
import dev.switchboard.sim.policy.SimPolicy;
import dev.switchboard.sim.scenario.ReplicaSpec;
import dev.switchboard.sim.scenario.Scenario;
import dev.switchboard.sim.workload.Arrival;
import dev.switchboard.sim.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Runs one scenario under one policy on a virtual clock: the workload's arrivals go through the
 * policy to modelled replicas; the core {@link Replica} objects are told of every dispatch, first
 * byte and completion exactly as the live gateway tells them, and get load reports at the scrape
 * interval.
 *
 * <p>Every policy of a scenario faces the identical arrival sequence (same seed), so differences
 * between them are the policies' alone.
 */
public final class Simulation implements ModelListener {
  /** Receives the number of arrivals processed so far, now and then, and the end of the run. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = done -> {};

    void arrivals(long done);

    default void finished() {}
  }

  private static final int PROGRESS_EVERY = 4096;

  private final Scenario scenario;
  private final EventQueue events;
  /** The pool's replicas, each with its model and its column in the reports. */
  private final ReplicaGroup<Modelled> group;
  private final List<Modelled> modelled = new ArrayList<>();
  private final SimPolicy policy;
  private final Workload workload;
  private final RunMetrics metrics;
  private final Progress progress;
  private final ArrivalEvent arrivalEvent = new ArrivalEvent();
  private final ScrapeEvent scrapeEvent = new ScrapeEvent();
  private final ExpiryEvent expiryEvent = new ExpiryEvent();
  /** The gateway's admission control, or null when the scenario has none. */
  private final AdmissionControl<SimRequest> admission;
  /** The gateway's rate limits, per tenant (the simulator's stand-in for an API key), or null. */
  private final RateLimiter rateLimiter;
  private long arrived;
  private boolean workloadDone;

  private Simulation(Scenario scenario, String policyName, ProgressFactory progress) {
    this.scenario = scenario;
    this.events = new EventQueue(new ManualClock(0));
    this.group = new ReplicaGroup<>("pool", events.clock(), new Decisions());
    List<ReplicaSpec> specs = scenario.replicas();
    for (int i = 0; i < specs.size(); i++) {
      ReplicaSpec spec = specs.get(i);
      Modelled m =
          new Modelled(
              new Replica(spec.id(), spec.weight(), events.clock(), scenario.decay()),
              scenario.model().create(events, spec.speed(), this),
              i);
      modelled.add(m);
      group.add(m.replica(), m);
    }
    // Each policy's own random choices come from a stream of their own, so that they never
    // disturb the workload's.
    long policySeed = scenario.seed() * 0x9E3779B97F4A7C15L + policyName.hashCode();
    this.policy =
        Policies.create(
            policyName, scenario.balancerOptions(), Randomness.seeded(policySeed), r -> group.endpoint(r).model());
    this.workload = scenario.workload().create(scenario.seed(), scenario.poolCapacityPerSecond());
    this.metrics = new RunMetrics(specs.size(), scenario.workload().tiers().tierNames());
    this.progress = progress.forPolicy(policyName, workload.expectedCount());
    AdmissionConfig admission = scenario.admission();
    this.admission =
        admission == null
            ? null
            : new AdmissionControl<>(
                admission.newQueue(events.clock()),
                admission.limit(),
                group::routable,
                r -> r.arrival().tier(),
                new AdmissionControl.Runtime<>() {
                  @Override
                  public void dispatch(SimRequest r) {
                    Simulation.this.admission.landed();
                    Simulation.this.dispatch(r, Simulation.this.admission.eligible());
                  }

                  @Override
                  public void shed(SimRequest r, ShedReason reason, int retryAfterSeconds) {
                    metrics.onReject(r, events.now());
                  }
                });
    this.rateLimiter =
        scenario.rateLimits() == null
            ? null
            : new RateLimiter(scenario.rateLimits(), new InMemoryBucketStore(events.clock()));
  }

  /** Runs {@code policyName} on {@code scenario} to the last completion. */
  public static PolicyResult run(Scenario scenario, String policyName, ProgressFactory progress) {
    Simulation sim = new Simulation(scenario, policyName, progress);
    sim.runToEnd();
    return sim.result();
  }

  /** Runs every policy of the scenario, in order. */
  public static SimulationReport runAll(Scenario scenario, ProgressFactory progress) {
    List<PolicyResult> results = new ArrayList<>();
    for (String policy : scenario.policies()) {
      results.add(run(scenario, policy, progress));
    }
    return new SimulationReport(
        scenario.name(),
        scenario.description(),
        scenario.seed(),
        scenario.replicas().stream().map(ReplicaSpec::id).toList(),
        scenario.replicas().stream().map(ReplicaSpec::speed).toList(),
        List.copyOf(results));
  }

  /** Makes the progress sink for each policy's run. */
  @FunctionalInterface
  public interface ProgressFactory {
    ProgressFactory NONE = (policy, expected) -> Progress.NONE;

    /** @param expectedArrivals how many arrivals the run will have, or -1 if unknown */
    Progress forPolicy(String policy, long expectedArrivals);
  }

  private void runToEnd() {
    scheduleNextArrival();
    events.schedule(scrapeEvent, 0);
    events.run();
    progress.arrivals(arrived);
    progress.finished();
  }

  private PolicyResult result() {
    long[] busy = new long[modelled.size()];
    for (Modelled m : modelled) {
      busy[m.column()] = m.model().busyNanos();
    }
    return metrics.result(policy.name(), busy);
  }

  private void scheduleNextArrival() {
    Arrival next = workload.next();
    if (next == null) {
      workloadDone = true;
      return;
    }
    arrivalEvent.next = next;
    events.schedule(arrivalEvent, Math.max(next.atNanos(), events.now()));
  }

  private void onArrival(Arrival a) {
    SimRequest r =
        new SimRequest(a, new RequestInfo("", a.promptTokens(), a.outputTokens(), a.tenant(), a.tier()));
    metrics.onArrival(r);
    // The simulator knows each request's exact size, so the reservation is already exact and needs
    // no correction afterwards.
    if (rateLimiter != null
        && !rateLimiter.acquireNow(a.tenant(), a.tier(), (long) a.promptTokens() + a.outputTokens()).decision().allowed()) {
      metrics.onRateLimited(r, events.now());
    } else if (admission == null) {
      dispatch(r, group.routable());
    } else {
      if (admission.admit(r, a.tier(), a.tenant(), 0)) {
        dispatch(r, admission.eligible());
      }
      armExpiry();
    }
    if (++arrived % PROGRESS_EVERY == 0) {
      progress.arrivals(arrived);
    }
    scheduleNextArrival();
  }

  private void dispatch(SimRequest r, ReplicaSet among) {
    Replica chosen = policy.choose(r, among);
    if (chosen == null) {
      metrics.onReject(r, events.now());
      return;
    }
    long stamp = chosen.onDispatch();
    Modelled m = group.endpoint(chosen);
    r.dispatchedTo(chosen, stamp, m.model());
    metrics.onDispatch(m.column());
    m.model().submit(r);
  }

  /** Capacity may have freed: dispatch waiting requests while some replica has room. */
  private void drainQueue() {
    if (admission == null) {
      return;
    }
    admission.drain();
    armExpiry();
  }

  private void armExpiry() {
    OptionalLong next = admission.nextDeadlineNanos();
    if (next.isEmpty()) {
      events.cancel(expiryEvent);
      return;
    }
    long at = Math.max(next.getAsLong(), events.now());
    if (expiryEvent.isScheduled()) {
      if (expiryEvent.time() == at) {
        return;
      }
      events.cancel(expiryEvent);
    }
    events.schedule(expiryEvent, at);
  }

  @Override
  public void onFirstToken(SimRequest r) {
    if (scenario.streaming()) {
      r.replica().onFirstByte(r.startStamp());
    }
  }

  @Override
  public void onComplete(SimRequest r) {
    if (!scenario.streaming()) {
      r.replica().onFirstByte(r.startStamp());
    }
    r.replica().onComplete(r.startStamp(), true);
    metrics.onComplete(r);
    drainQueue();
  }

  @Override
  public void onReject(SimRequest r, String reason) {
    r.replica().onComplete(r.startStamp(), false);
    metrics.onReject(r, events.now());
    drainQueue();
  }

  @Override
  public void onDecodeStep(long stepNanos, int tokens) {
    metrics.onDecodeStep(stepNanos, tokens);
  }

  private final class ArrivalEvent extends Event {
    Arrival next;

    @Override
    protected void fire() {
      Arrival a = next;
      next = null;
      onArrival(a);
    }
  }

  /** Sheds the requests that waited past their deadline. */
  private final class ExpiryEvent extends Event {
    @Override
    protected void fire() {
      admission.expire();
      armExpiry();
    }
  }

  /** Replicas' load reports, as the gateway scrapes {@code /metrics}; stops once all is done. */
  private final class ScrapeEvent extends Event {
    @Override
    protected void fire() {
      long now = events.now();
      boolean idle = true;
      for (Modelled m : modelled) {
        m.replica().report(m.model().report());
        metrics.sampleInFlight(now, m.column(), m.model().outstanding());
        idle &= m.model().outstanding() == 0;
      }
      // New load reports can open an inferred concurrency limit.
      drainQueue();
      idle &= admission == null || admission.waiting() == 0;
      if (!(workloadDone && idle)) {
        events.scheduleIn(this, scenario.metricsIntervalNanos());
      }
    }
  }

  /** A simulated replica: the core's view of it, its model, and its column in the reports. */
  private record Modelled(Replica replica, ReplicaModel model, int column) {}
}

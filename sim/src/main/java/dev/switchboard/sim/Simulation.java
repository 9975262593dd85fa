package dev.switchboard.sim;

import dev.switchboard.config.AdmissionConfig;
import dev.switchboard.core.ManualClock;
import dev.switchboard.core.Randomness;
import dev.switchboard.core.admission.AdmissionControl;
import dev.switchboard.core.balance.ReplicaSet;
import dev.switchboard.core.event.Completed;
import dev.switchboard.core.event.DecisionListener;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.event.Dispatched;
import dev.switchboard.core.event.Failed;
import dev.switchboard.core.event.FailureCause;
import dev.switchboard.core.event.FirstByte;
import dev.switchboard.core.event.RateLimited;
import dev.switchboard.core.event.Retried;
import dev.switchboard.core.event.Shed;
import dev.switchboard.core.event.ShedReason;
import dev.switchboard.core.fleet.ReplicaGroup;
import dev.switchboard.core.health.ReplicaHealth;
import dev.switchboard.core.ratelimit.InMemoryBucketStore;
import dev.switchboard.core.ratelimit.RateLimitResult;
import dev.switchboard.core.ratelimit.RateLimiter;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.core.retry.RetryBudget;
import dev.switchboard.core.retry.RetryDecision;
import dev.switchboard.core.retry.RetryRule;
import dev.switchboard.core.retry.TryFailure;
import dev.switchboard.sim.engine.Event;
import dev.switchboard.sim.engine.EventQueue;
import dev.switchboard.sim.fault.FaultyReplica;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Runs one scenario under one policy on a virtual clock, with the gateway's control code: the
 * workload's arrivals pass the rate limits and the admission control, go through the policy to
 * modelled replicas, and each try's outcome goes to the pool's {@link ReplicaHealth} (outlier
 * ejection, probes, re-admission) and, when it failed, to the {@link RetryRule} and its budget.
 * The core {@link Replica} objects are told of every dispatch, first byte and completion exactly
 * as the live gateway tells them, and get load reports at the scrape interval. Replicas change
 * state through the {@link ReplicaGroup}, so the balancers see exactly what they would see live.
 *
 * <p>Every decision is published as the gateway publishes it ({@link Decisions}); the run's
 * {@link RunMetrics} are built from those events.
 *
 * <p>Every policy of a scenario faces the identical arrival sequence (same seed), so differences
 * between them are the policies' alone.
 */
public final class Simulation implements ModelListener, FaultyReplica.Listener {
  /** Receives the number of arrivals processed so far, now and then, and the end of the run. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = done -> {};

    void arrivals(long done);

    default void finished() {}
  }

  private static final int PROGRESS_EVERY = 4096;
  private static final String POOL = "pool";

  private final Scenario scenario;
  private final EventQueue events;
  private final Decisions decisions = new Decisions();
  /** The pool's replicas, each with its model. */
  private final ReplicaGroup<Member> group;
  private final List<Member> members = new ArrayList<>();
  /**
   * The replicas that can crash. The others always answer their probes, and a probe that passes
   * where none ever failed changes nothing (a replica back from ejection is READY either way), so
   * only these are probed.
   */
  private final List<Member> probed = new ArrayList<>();
  private final ReplicaHealth health;
  private final RetryBudget retryBudget;
  private final RetryRule retryRule;
  private final SimPolicy policy;
  private final Workload workload;
  private final RunMetrics metrics;
  /**
   * Whether anyone but the metrics listens. The metrics take the time to first byte from {@link
   * Completed}, so {@link FirstByte}, one event per request, is built only for others.
   */
  private final boolean othersListen;
  private final Progress progress;
  private final ArrivalEvent arrivalEvent = new ArrivalEvent();
  private final ScrapeEvent scrapeEvent = new ScrapeEvent();
  private final ProbeEvent probeEvent = new ProbeEvent();
  private final ReadmitEvent readmitEvent = new ReadmitEvent();
  private final ExpiryEvent expiryEvent = new ExpiryEvent();
  /** The gateway's admission control, or null when the scenario has none. */
  private final AdmissionControl<SimRequest> admission;
  /** The gateway's rate limits, per tenant (the simulator's stand-in for an API key), or null. */
  private final RateLimiter rateLimiter;
  /** Requests whose share of a retry is not yet in the budget (see {@link #depositRequests}). */
  private int undeposited;
  private long arrived;
  private boolean workloadDone;

  private Simulation(Scenario scenario, String policyName, ProgressFactory progress, DecisionListener listener) {
    this.scenario = scenario;
    this.events = new EventQueue(new ManualClock(0));
    List<ReplicaSpec> specs = scenario.replicas();
    this.metrics =
        new RunMetrics(specs.stream().map(ReplicaSpec::id).toList(), scenario.workload().tiers().tierNames());
    decisions.subscribe(metrics);
    if (listener != null) {
      decisions.subscribe(listener);
    }
    this.othersListen = listener != null;
    this.group = new ReplicaGroup<>(POOL, events.clock(), decisions);
    for (ReplicaSpec spec : specs) {
      ReplicaModel model = scenario.model().create(events, spec.speed(), this);
      FaultyReplica faults = null;
      if (!spec.faults().isNone()) {
        faults =
            new FaultyReplica(
                model, spec.speed(), spec.faults(), events, FaultyReplica.dice(scenario.seed(), spec.id()), this);
        model = faults;
      }
      Member m =
          new Member(
              new Replica(spec.id(), spec.weight(), events.clock(), scenario.decay()), model, faults,
              metrics.inFlight(spec.id()));
      members.add(m);
      if (spec.faults().crash() != null) {
        probed.add(m);
      }
      group.add(m.replica(), m);
    }
    this.health = new ReplicaHealth(group, scenario.health().outlier(), events.clock());
    this.retryBudget = scenario.retries().newBudget(events.clock());
    this.retryRule = scenario.retries().newRule(retryBudget);
    // Each policy's own random choices come from a stream of their own, so that they never
    // disturb the workload's.
    long policySeed = scenario.seed() * 0x9E3779B97F4A7C15L + policyName.hashCode();
    this.policy =
        Policies.create(
            policyName, scenario.balancerOptions(), Randomness.seeded(policySeed), r -> group.endpoint(r).model());
    this.workload = scenario.workload().create(scenario.seed(), scenario.poolCapacityPerSecond());
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
                    decisions.publish(new Shed(events.now(), POOL, r.info(), r.arrivalNanos(), reason));
                  }
                });
    this.rateLimiter =
        scenario.rateLimits() == null
            ? null
            : new RateLimiter(scenario.rateLimits(), new InMemoryBucketStore(events.clock()));
  }

  /** Runs {@code policyName} on {@code scenario} to the last completion. */
  public static PolicyResult run(Scenario scenario, String policyName, ProgressFactory progress) {
    return run(scenario, policyName, progress, null);
  }

  /**
   * Runs {@code policyName} on {@code scenario} to the last completion, telling {@code listener}
   * (unless null) of every decision as the run makes it.
   */
  public static PolicyResult run(
      Scenario scenario, String policyName, ProgressFactory progress, DecisionListener listener) {
    Simulation sim = new Simulation(scenario, policyName, progress, listener);
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
    if (!probed.isEmpty()) {
      events.schedule(probeEvent, 0);
    }
    for (Member m : members) {
      if (m.faults() != null) {
        m.faults().start();
      }
    }
    events.run();
    progress.arrivals(arrived);
    progress.finished();
  }

  private PolicyResult result() {
    Map<String, Long> busy = new LinkedHashMap<>();
    for (Member m : members) {
      busy.put(m.replica().id(), m.model().busyNanos());
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
    // The simulator knows each request's exact size, so the reservation is already exact and needs
    // no correction afterwards.
    RateLimitResult limited =
        rateLimiter == null
            ? null
            : rateLimiter.acquireNow(a.tenant(), a.tier(), (long) a.promptTokens() + a.outputTokens());
    if (limited != null && !limited.decision().allowed()) {
      boolean byTokens = limited.decision().limitedBy().tokens();
      decisions.publish(new RateLimited(events.now(), POOL, a.tenant(), a.tier(), byTokens));
    } else {
      if (++undeposited == Integer.MAX_VALUE) {
        depositRequests();
      }
      if (admission == null) {
        dispatch(r, group.routable());
      } else {
        // A simulated request asks for no priority of its own (vLLM's `priority`), so it waits at
        // its tier's, as a live request without the field does.
        if (admission.admit(r, a.tier(), a.tenant(), 0)) {
          dispatch(r, admission.eligible());
        }
        armExpiry();
      }
    }
    if (++arrived % PROGRESS_EVERY == 0) {
      progress.arrivals(arrived);
    }
    scheduleNextArrival();
  }

  /** Sends a try of {@code r} to the replica the policy picks among {@code among}. */
  private void dispatch(SimRequest r, ReplicaSet among) {
    Replica chosen = policy.choose(r, among);
    if (chosen == null) {
      // Nothing to try: every replica is out, or (on a retry) every one left was tried already.
      Replica last = r.attempts() == 0 ? null : r.tried().get(r.tried().size() - 1);
      decisions.publish(
          new Failed(
              events.now(), POOL, last == null ? null : last.id(), r.info(), r.arrivalNanos(),
              FailureCause.NO_REPLICA, r.attempts()));
      return;
    }
    long stamp = chosen.onDispatch();
    Member m = group.endpoint(chosen);
    r.dispatchedTo(chosen, stamp, m.model());
    decisions.publish(new Dispatched(events.now(), POOL, chosen.id(), r.info(), r.attempts()));
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
    reschedule(expiryEvent, next);
  }

  /** Re-admission is an event at the moment the earliest ejection ends, as the core says. */
  private void armReadmission() {
    reschedule(readmitEvent, health.nextReadmissionNanos());
  }

  private void reschedule(Event event, OptionalLong when) {
    if (when.isEmpty()) {
      events.cancel(event);
      return;
    }
    long at = Math.max(when.getAsLong(), events.now());
    if (event.isScheduled()) {
      if (event.time() == at) {
        return;
      }
      events.cancel(event);
    }
    events.schedule(event, at);
  }

  @Override
  public void onFirstToken(SimRequest r) {
    if (scenario.streaming()) {
      r.replica().onFirstByte(r.startStamp());
      if (othersListen) {
        decisions.publish(new FirstByte(events.now(), POOL, r.replica().id(), r.info(), r.arrivalNanos()));
      }
    }
  }

  @Override
  public void onComplete(SimRequest r) {
    long now = events.now();
    Replica replica = r.replica();
    if (!scenario.streaming()) {
      replica.onFirstByte(r.startStamp());
      if (othersListen) {
        decisions.publish(new FirstByte(now, POOL, replica.id(), r.info(), r.arrivalNanos()));
      }
    }
    replica.onComplete(r.startStamp(), true);
    health.onSuccess(replica);
    metrics.onQueueWait(r.serviceStartNanos() - r.arrivalNanos());
    long firstByte = scenario.streaming() ? r.firstTokenNanos() : now;
    decisions.publish(
        new Completed(now, POOL, replica.id(), r.info(), r.arrivalNanos(), firstByte, r.attempts(), 200));
    drainQueue();
  }

  @Override
  public void onReject(SimRequest r, String reason) {
    Replica replica = r.replica();
    replica.onComplete(r.startStamp(), false);
    // A request the engine can never hold is a 4xx: the replica works as it should.
    health.onSuccess(replica);
    decisions.publish(
        new Failed(
            events.now(), POOL, replica.id(), r.info(), r.arrivalNanos(), FailureCause.REFUSED, r.attempts()));
    drainQueue();
  }

  @Override
  public void onDecodeStep(long stepNanos, int tokens) {
    metrics.onDecodeStep(stepNanos, tokens);
  }

  /**
   * A try failed before the replica answered it (a 5xx, a connection refused or reset): health
   * hears of it, and the retry rule decides whether the request goes to a replica not yet tried.
   */
  @Override
  public void onTryFailed(SimRequest r, FailureCause cause) {
    long now = events.now();
    Replica failed = r.replica();
    failed.onComplete(r.startStamp(), false);
    if (health.onFailure(failed).ejected()) {
      armReadmission();
    }
    // Bytes of a stream that reached the client cannot be taken back.
    boolean answerStarted = scenario.streaming() && r.firstTokenNanos() >= 0;
    RetryDecision decision = retryDecision(cause, answerStarted, r.attempts());
    if (decision.retries()) {
      decisions.publish(new Retried(now, POOL, failed.id(), r.info(), cause, r.attempts() + 1));
      r.retryElsewhere();
      dispatch(r, group.routable().without(r.tried()));
    } else {
      decisions.publish(
          new Failed(
              now, POOL, failed.id(), r.info(), r.arrivalNanos(),
              answerStarted ? FailureCause.MID_ANSWER : cause, r.attempts()));
    }
    drainQueue();
  }

  private RetryDecision retryDecision(FailureCause cause, boolean answerStarted, int attempts) {
    depositRequests();
    TryFailure how = cause == FailureCause.SERVER_ERROR ? TryFailure.SERVER_ERROR : TryFailure.CONNECTION;
    return retryRule.afterFailure(how, answerStarted, attempts);
  }

  /**
   * Pays in the shares of a retry that the requests since the last payment earned, as the gateway
   * pays in each request's. Paying them in just before the budget is read comes to the same as
   * paying in one at a time, since nothing takes from the bucket in between, and costs a run
   * without failures nothing.
   */
  private void depositRequests() {
    if (undeposited > 0) {
      retryBudget.onRequests(undeposited);
      undeposited = 0;
    }
  }

  /** Whether the run is over but for events that change nothing (fault times still to come). */
  private boolean idle() {
    if (!workloadDone) {
      return false;
    }
    for (Member m : members) {
      if (m.model().outstanding() != 0) {
        return false;
      }
    }
    return admission == null || admission.waiting() == 0;
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

  /** Ejections that have run their time end: the replicas come back, by the core's rule. */
  private final class ReadmitEvent extends Event {
    @Override
    protected void fire() {
      ReplicaSet before = group.routable();
      health.readmitDue();
      armReadmission();
      if (group.routable() != before) {
        drainQueue();
      }
    }
  }

  /**
   * The {@code /health} of each replica that can crash, at the probe interval: a crashed one does
   * not answer.
   */
  private final class ProbeEvent extends Event {
    @Override
    protected void fire() {
      ReplicaSet before = group.routable();
      for (Member m : probed) {
        boolean passed = m.faults().answers();
        health.onProbe(m.replica(), passed, passed ? "probe passed" : "probe failed: connection refused");
      }
      if (group.routable() != before) {
        drainQueue();
      }
      if (!idle()) {
        events.scheduleIn(this, scenario.health().probeInterval().toNanos());
      }
    }
  }

  /**
   * Replicas' load reports, as the gateway scrapes {@code /metrics} of the routable ones (a
   * crashed one does not answer); stops once all is done.
   */
  private final class ScrapeEvent extends Event {
    @Override
    protected void fire() {
      long now = events.now();
      for (Member m : members) {
        if (m.replica().state().isRoutable() && (m.faults() == null || m.faults().answers())) {
          m.replica().report(m.model().report());
        }
        m.inFlight().sample(now, m.model().outstanding());
      }
      // New load reports can open an inferred concurrency limit.
      drainQueue();
      if (!idle()) {
        events.scheduleIn(this, scenario.metricsIntervalNanos());
      }
    }
  }

  /**
   * A simulated replica: the core's view of it, its model, its faults (null: none), and where its
   * requests in flight are sampled.
   */
  private record Member(Replica replica, ReplicaModel model, FaultyReplica faults, RunMetrics.InFlight inFlight) {}
}

package dev.switchboard.sim.model;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.replica.LoadReport;
import dev.switchboard.sim.engine.Event;
import dev.switchboard.sim.engine.EventQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A vLLM-like engine with continuous batching, stepped in virtual time.
 *
 * <p>Each step: running requests each decode one token; waiting requests join in FIFO order while
 * batch slots, the step's token budget ({@code max_batched_tokens}, shared with the decode tokens)
 * and the KV cache allow, and have their prompt prefilled in this step, which yields their first
 * token. The first prefill of a step is always taken even over budget, standing in for chunked
 * prefill of a long prompt. When the running batch outgrows the KV cache, the newest request is
 * preempted and later recomputed, as vLLM does.
 *
 * <p>A request that joined at step {@code s} with {@code n} tokens to generate finishes at the end of
 * step {@code s + n − 1}; finishes are kept in a heap and the KV occupancy in running sums, so a step
 * costs O(log batch) rather than a pass over the batch.
 */
final class StepReplica implements ReplicaModel {
  private static final Comparator<SimRequest> BY_FINISH =
      Comparator.comparingLong((SimRequest r) -> r.finishStep).thenComparingLong(r -> r.arrival().id());

  private final EventQueue events;
  private final StepModelSpec spec;
  private double speed;
  private final ModelListener listener;
  private final ArrayDeque<SimRequest> waiting = new ArrayDeque<>();
  private final PriorityQueue<SimRequest> running = new PriorityQueue<>(BY_FINISH);
  private final ArrayList<SimRequest> prefilling = new ArrayList<>();
  private final Event stepEnd =
      new Event() {
        @Override
        protected void fire() {
          endStep();
        }
      };

  /** Steps completed. */
  private long step;
  /** Sum over running requests of the tokens they held when they joined. */
  private long kvJoined;
  /** Sum over running requests of the step they joined in. */
  private long joinedSteps;
  private int decoding;
  private long currentStepNanos;
  private boolean busy;
  private long busyNanos;
  private int outstanding;

  StepReplica(EventQueue events, StepModelSpec spec, double speed, ModelListener listener) {
    this.events = events;
    this.spec = spec;
    this.speed = speed;
    this.listener = listener;
  }

  @Override
  public void submit(SimRequest request) {
    long need = (long) request.prefillTokens + request.remainingTokens;
    if (need > spec.kvCapacityTokens()) {
      listener.onReject(
          request,
          "needs " + need + " tokens of KV cache, the replica holds " + spec.kvCapacityTokens());
      return;
    }
    waiting.addLast(request);
    outstanding++;
    if (!busy) {
      startStep();
    }
  }

  /** KV tokens held by the running batch at the end of the last completed step. */
  private long kvHeld() {
    // A request that joined at step s holds its prefill plus (step - s + 1) generated tokens.
    return kvJoined + (long) running.size() * (step + 1) - joinedSteps;
  }

  private void startStep() {
    long k = step + 1;
    while (!running.isEmpty() && kvHeld() + running.size() > spec.kvCapacityTokens()) {
      preemptNewest();
    }
    int n = running.size();
    long kvAfter = kvHeld() + n;
    long budget = (long) spec.maxBatchedTokens() - n;
    long prefill = 0;
    long now = events.now();
    while (!waiting.isEmpty() && n + prefilling.size() < spec.maxNumSeqs()) {
      SimRequest r = waiting.peekFirst();
      int p = r.prefillTokens;
      if (p > budget && !prefilling.isEmpty()) {
        break;
      }
      if (kvAfter + p + 1 > spec.kvCapacityTokens()) {
        break;
      }
      waiting.pollFirst();
      prefilling.add(r);
      budget -= p;
      prefill += p;
      kvAfter += p + 1;
      if (r.serviceStartNanos < 0) {
        r.serviceStartNanos = now;
      }
    }
    for (int i = 0; i < prefilling.size(); i++) {
      SimRequest r = prefilling.get(i);
      r.admitStep = k;
      r.finishStep = k + r.remainingTokens - 1;
      kvJoined += r.prefillTokens;
      joinedSteps += k;
      running.add(r);
    }
    if (n == 0 && prefilling.isEmpty()) {
      busy = false;
      return;
    }
    decoding = n;
    currentStepNanos = Math.max(1L, Math.round(spec.stepNanos(prefill, n) * speed));
    busy = true;
    busyNanos += currentStepNanos;
    events.scheduleIn(stepEnd, currentStepNanos);
  }

  private void endStep() {
    step++;
    long now = events.now();
    boolean perToken = listener.wantsTokens();
    for (int i = 0; i < prefilling.size(); i++) {
      SimRequest r = prefilling.get(i);
      if (r.firstTokenNanos < 0) {
        r.firstTokenNanos = now;
        listener.onFirstToken(r);
      } else if (perToken) {
        listener.onToken(r); // recomputed after a preemption: its prefill step yields the next token
      }
    }
    prefilling.clear();
    if (perToken) {
      for (SimRequest r : running) {
        if (r.admitStep != step) {
          listener.onToken(r);
        }
      }
    }
    if (decoding > 0) {
      listener.onDecodeStep(currentStepNanos, decoding);
    }
    while (!running.isEmpty() && running.peek().finishStep <= step) {
      SimRequest r = running.poll();
      kvJoined -= r.prefillTokens;
      joinedSteps -= r.admitStep;
      outstanding--;
      r.completedNanos = now;
      listener.onComplete(r);
    }
    if (!running.isEmpty() || !waiting.isEmpty()) {
      startStep();
    } else {
      busy = false;
    }
  }

  /** vLLM's recompute preemption: the newest running request goes back to the head of the queue. */
  private void preemptNewest() {
    SimRequest newest = null;
    for (SimRequest r : running) {
      if (newest == null
          || r.admitStep > newest.admitStep
          || (r.admitStep == newest.admitStep && r.arrival().id() > newest.arrival().id())) {
        newest = r;
      }
    }
    running.remove(newest);
    kvJoined -= newest.prefillTokens;
    joinedSteps -= newest.admitStep;
    int generated = (int) (step - newest.admitStep + 1);
    newest.prefillTokens += generated;
    newest.remainingTokens -= generated;
    waiting.addFirst(newest);
  }

  @Override
  public List<SimRequest> abandonAll() {
    List<SimRequest> lost = new ArrayList<>(outstanding);
    lost.addAll(running);
    // The heap's order is its own: the batch goes in the order it joined.
    lost.sort(Comparator.comparingLong((SimRequest r) -> r.admitStep).thenComparingLong(r -> r.arrival().id()));
    lost.addAll(waiting);
    if (busy) {
      // Only the part of the step run before the crash was busy time.
      busyNanos -= stepEnd.time() - events.now();
      events.cancel(stepEnd);
      busy = false;
    }
    running.clear();
    waiting.clear();
    prefilling.clear();
    kvJoined = 0;
    joinedSteps = 0;
    decoding = 0;
    outstanding = 0;
    return lost;
  }

  @Override
  public void setSpeed(double speed) {
    this.speed = speed;
  }

  @Override
  public LoadReport report() {
    double kv = (double) kvHeld() / spec.kvCapacityTokens();
    return new LoadReport(waiting.size(), running.size(), Math.min(1.0, Math.max(0.0, kv)), events.now());
  }

  @Override
  public long busyNanos() {
    return busyNanos;
  }

  @Override
  public int outstanding() {
    return outstanding;
  }

  /**
   * Runs a copy of this engine forward, with the request added and no further arrivals: exact for
   * this model, and it shares every scheduling rule with the real thing.
   */
  @Override
  public long predictCompletion(SimRequest request, long giveUpAfter) {
    long now = events.now();
    EventQueue shadowEvents = new EventQueue(new ManualClock(now));
    long[] done = {-1};
    ModelListener watch =
        new ModelListener() {
          @Override
          public void onFirstToken(SimRequest r) {}

          @Override
          public void onComplete(SimRequest r) {
            if (r.arrival() == request.arrival()) {
              done[0] = shadowEvents.now();
            }
          }

          @Override
          public void onReject(SimRequest r, String reason) {
            if (r.arrival() == request.arrival()) {
              done[0] = Long.MAX_VALUE;
            }
          }

          @Override
          public void onDecodeStep(long stepNanos, int tokens) {}
        };
    StepReplica shadow = new StepReplica(shadowEvents, spec, speed, watch);
    shadow.step = step;
    shadow.kvJoined = kvJoined;
    shadow.joinedSteps = joinedSteps;
    shadow.decoding = decoding;
    shadow.currentStepNanos = currentStepNanos;
    shadow.outstanding = outstanding;
    shadow.busy = busy;
    for (SimRequest r : waiting) {
      shadow.waiting.addLast(r.copy());
    }
    for (SimRequest r : running) {
      SimRequest c = r.copy();
      shadow.running.add(c);
      if (prefilling.contains(r)) {
        shadow.prefilling.add(c);
      }
    }
    if (busy) {
      shadowEvents.schedule(shadow.stepEnd, stepEnd.time());
    }
    shadow.submit(request.copy());
    while (done[0] < 0 && shadowEvents.step()) {
      if (shadowEvents.now() > giveUpAfter) {
        return shadowEvents.now();
      }
    }
    return done[0] < 0 ? Long.MAX_VALUE : done[0];
  }
}

package dev.switchboard.sim.model;

import dev.switchboard.core.ManualClock;
import dev.switchboard.core.request.RequestInfo;
import dev.switchboard.sim.engine.EventQueue;
import dev.switchboard.sim.workload.Arrival;
import java.util.ArrayList;
import java.util.List;

/** A replica model on its own event queue, recording what it reports. */
final class ModelHarness implements ModelListener {
  final EventQueue events = new EventQueue(new ManualClock());
  final List<SimRequest> firstTokens = new ArrayList<>();
  final List<SimRequest> completed = new ArrayList<>();
  final List<String> rejected = new ArrayList<>();
  long decodeTokens;
  private long nextId;

  @Override
  public void onFirstToken(SimRequest request) {
    firstTokens.add(request);
  }

  @Override
  public void onComplete(SimRequest request) {
    completed.add(request);
  }

  @Override
  public void onReject(SimRequest request, String reason) {
    rejected.add(reason);
  }

  @Override
  public void onDecodeStep(long stepNanos, int tokens) {
    decodeTokens += tokens;
  }

  SimRequest request(int prompt, int output) {
    return request(prompt, output, 0);
  }

  SimRequest request(int prompt, int output, long serviceNanos) {
    Arrival a =
        new Arrival(nextId++, events.now(), prompt, output, serviceNanos, "t", "standard", Arrival.NO_HASHES);
    return new SimRequest(a, new RequestInfo("", prompt, output, "t", "standard"));
  }

  /** Submits at the current time, as the simulation does after routing. */
  SimRequest submit(ReplicaModel model, SimRequest r) {
    r.dispatchedTo(null, events.now(), model);
    model.submit(r);
    return r;
  }
}

package dev.switchboard.core.balance;

import dev.switchboard.core.request.RequestInfo;
import java.util.concurrent.atomic.AtomicLong;

/** Each candidate in turn, ignoring load: the baseline every other policy is measured against. */
public final class RoundRobinBalancer implements Balancer {
  public static final String NAME = "round-robin";

  private final AtomicLong next;

  /** @param start where the rotation begins (random in practice, so gateways do not align) */
  public RoundRobinBalancer(long start) {
    this.next = new AtomicLong(Math.max(start, 0L));
  }

  @Override
  public Pick pick(ReplicaSet candidates, RequestInfo request) {
    int n = candidates.size();
    if (n == 0) {
      return Pick.noReplica();
    }
    long turn = next.getAndIncrement() & Long.MAX_VALUE;
    return candidates.pick((int) (turn % n));
  }

  @Override
  public String name() {
    return NAME;
  }
}

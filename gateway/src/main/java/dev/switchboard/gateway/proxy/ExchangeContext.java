package dev.switchboard.gateway.proxy;

import dev.switchboard.config.AdmissionConfig;
import dev.switchboard.core.Clock;
import dev.switchboard.core.event.Decisions;
import dev.switchboard.core.retry.RetryRule;
import java.util.concurrent.Executor;

/**
 * What an {@link Exchange} needs of the event loop it runs on, one per loop and shared by its
 * exchanges.
 *
 * @param loop the event loop, where a request leaving the admission queue is dispatched
 * @param clock the time for the first-byte and idle timeouts
 * @param retries when a failed try goes to another replica
 * @param timeouts the loop's sweep of tries that take too long
 * @param replicas the loop's keep-alive connections to the replicas
 * @param firstByteMillis the first-byte timeout, for the answer that says it passed
 * @param admission the admission settings, for vLLM's priority field; null without admission
 * @param decisions where the exchange publishes what it decided and saw
 */
record ExchangeContext(
    Executor loop,
    Clock clock,
    RetryRule retries,
    TimeoutSweeper timeouts,
    ConnectionsToReplicas replicas,
    long firstByteMillis,
    AdmissionConfig admission,
    Decisions decisions) {}

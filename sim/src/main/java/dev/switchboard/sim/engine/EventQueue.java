package dev.switchboard.sim.engine;

import dev.switchboard.core.ManualClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The simulator's event loop: a binary heap of events ordered by time, then by the order they were
 * scheduled, so that a run is the same every time. Moving the {@link ManualClock} is this class's
 * job alone; policies and models read it.
 */
public final class EventQueue {
  private final ManualClock clock;
  private Event[] heap = new Event[64];
  private int size;
  private long nextSeq;
  private long fired;

  public EventQueue(ManualClock clock) {
    this.clock = clock;
  }

  public ManualClock clock() {
    return clock;
  }

  public long now() {
    return clock.nanoTime();
  }

  /** Schedules {@code event} at absolute time {@code at} (not before now). */
  public void schedule(Event event, long at) {
    if (event.slot >= 0) {
      throw new IllegalStateException("event already scheduled");
    }
    if (at < clock.nanoTime()) {
      throw new IllegalArgumentException("cannot schedule in the past: " + at + " < " + clock.nanoTime());
    }
    event.time = at;
    event.seq = nextSeq++;
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    siftUp(size++, event);
  }

  public void scheduleIn(Event event, long delayNanos) {
    schedule(event, clock.nanoTime() + delayNanos);
  }

  /** Removes a scheduled event; does nothing if it is not scheduled. */
  public void cancel(Event event) {
    int i = event.slot;
    if (i < 0) {
      return;
    }
    event.slot = -1;
    Event last = heap[--size];
    heap[size] = null;
    if (i < size) {
      siftDown(i, last);
      if (heap[i] == last) {
        siftUp(i, last);
      }
    }
  }

  /**
   * Cancels every scheduled event {@code which} accepts, and returns them in the order they would
   * have fired. A pass over the whole queue: for rare upheavals (a replica's crash), not for every
   * request.
   */
  public List<Event> cancelAll(Predicate<Event> which) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (which.test(heap[i])) {
        out.add(heap[i]);
      }
    }
    out.sort(Comparator.comparingLong((Event e) -> e.time).thenComparingLong(e -> e.seq));
    for (Event e : out) {
      cancel(e);
    }
    return out;
  }

  /** When the earliest event is due, or {@code Long.MAX_VALUE} when none is scheduled. */
  public long nextTime() {
    return size == 0 ? Long.MAX_VALUE : heap[0].time;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public int size() {
    return size;
  }

  /** Events fired so far. */
  public long fired() {
    return fired;
  }

  /** Fires the earliest event; returns false when none is left. */
  public boolean step() {
    if (size == 0) {
      return false;
    }
    Event e = heap[0];
    Event last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      siftDown(0, last);
    }
    e.slot = -1;
    clock.setNanos(e.time);
    fired++;
    e.fire();
    return true;
  }

  /** Runs until no event is left. */
  public void run() {
    while (step()) {
      // every event fires
    }
  }

  private static boolean before(Event a, Event b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }

  private void siftUp(int i, Event e) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Event p = heap[parent];
      if (!before(e, p)) {
        break;
      }
      heap[i] = p;
      p.slot = i;
      i = parent;
    }
    heap[i] = e;
    e.slot = i;
  }

  private void siftDown(int i, Event e) {
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      Event c = heap[child];
      int right = child + 1;
      if (right < size && before(heap[right], c)) {
        child = right;
        c = heap[child];
      }
      if (!before(c, e)) {
        break;
      }
      heap[i] = c;
      c.slot = i;
      i = child;
    }
    heap[i] = e;
    e.slot = i;
  }
}

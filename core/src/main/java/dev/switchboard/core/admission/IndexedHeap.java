package dev.switchboard.core.admission;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A binary min-heap whose nodes remember their position, so that any node, not only the top, is
 * removed or re-placed in O(log n): the queue removes requests from the middle (expiry, client gone,
 * displacement). Allocates only to grow. Not thread-safe; {@link AdmissionQueue} guards it.
 */
final class IndexedHeap<T extends IndexedHeap.Node> {

  /** Something that sits in at most one heap at a time. */
  abstract static class Node {
    int heapIndex = -1;
  }

  private final Comparator<? super T> order;
  private Node[] nodes = new Node[16];
  private int size;

  IndexedHeap(Comparator<? super T> order) {
    this.order = order;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The least node, or null. */
  @SuppressWarnings("unchecked")
  T peek() {
    return size == 0 ? null : (T) nodes[0];
  }

  void add(T node) {
    if (size == nodes.length) {
      nodes = Arrays.copyOf(nodes, size * 2);
    }
    nodes[size] = node;
    node.heapIndex = size;
    size++;
    siftUp(size - 1);
  }

  void remove(T node) {
    int i = node.heapIndex;
    size--;
    Node last = nodes[size];
    nodes[size] = null;
    node.heapIndex = -1;
    if (i != size) {
      nodes[i] = last;
      last.heapIndex = i;
      reposition(i);
    }
  }

  /** The node's key changed: moves it to its place. */
  void changed(T node) {
    reposition(node.heapIndex);
  }

  private void reposition(int i) {
    if (!siftUp(i)) {
      siftDown(i);
    }
  }

  private boolean siftUp(int i) {
    int start = i;
    Node n = nodes[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(n, nodes[parent])) {
        break;
      }
      place(nodes[parent], i);
      i = parent;
    }
    place(n, i);
    return i != start;
  }

  private void siftDown(int i) {
    Node n = nodes[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && less(nodes[child + 1], nodes[child])) {
        child++;
      }
      if (!less(nodes[child], n)) {
        break;
      }
      place(nodes[child], i);
      i = child;
    }
    place(n, i);
  }

  private void place(Node n, int i) {
    nodes[i] = n;
    n.heapIndex = i;
  }

  @SuppressWarnings("unchecked")
  private boolean less(Node a, Node b) {
    return order.compare((T) a, (T) b) < 0;
  }
}

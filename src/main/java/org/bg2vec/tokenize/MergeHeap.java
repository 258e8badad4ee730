package org.bg2vec.tokenize;

import java.util.Arrays;

/** A binary min-heap of merges ordered by (rank, position), as HF's {@code BinaryHeap<Merge>}. */
final class MergeHeap {
    private long[] keys = new long[256];
    private int[] newIds = new int[256];
    private int size;

    void clear() {
        size = 0;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void push(int rank, int pos, int newId) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, 2 * size);
            newIds = Arrays.copyOf(newIds, 2 * size);
        }
        long key = ((long) rank << 32) | pos;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            keys[i] = keys[parent];
            newIds[i] = newIds[parent];
            i = parent;
        }
        keys[i] = key;
        newIds[i] = newId;
    }

    long peekKey() {
        return keys[0];
    }

    int peekNewId() {
        return newIds[0];
    }

    void pop() {
        long key = keys[--size];
        int id = newIds[size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && keys[child + 1] < keys[child]) {
                child++;
            }
            if (key <= keys[child]) {
                break;
            }
            keys[i] = keys[child];
            newIds[i] = newIds[child];
            i = child;
        }
        keys[i] = key;
        newIds[i] = id;
    }
}
